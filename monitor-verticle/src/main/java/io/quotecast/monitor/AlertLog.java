package io.quotecast.monitor;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The log line of an alert: ERROR when it fires, INFO when it resolves, with every field of the alert as a key-value
 * pair, which the JSON log encoder writes as top-level fields ({@code alertId}, {@code rule}, {@code severity},
 * {@code node}, {@code state}, {@code value}, {@code threshold}, {@code details} as an object...), so a log search
 * finds alerts without parsing the message.
 */
final class AlertLog {
  private static final Logger LOG = LoggerFactory.getLogger(AlertLog.class);

  private AlertLog() {}

  static void log(JsonObject alert) {
    boolean firing = Alert.FIRING.equals(alert.getString("state"));
    LoggingEventBuilder line = (firing ? LOG.atError() : LOG.atInfo())
        .setMessage((firing ? "alert firing: " : "alert resolved: ") + alert.getString("message"));
    for (Map.Entry<String, Object> field : alert) {
      switch (field.getKey()) {
        case "message" -> { } // the line's own message
        case "id" -> line = line.addKeyValue("alertId", field.getValue());
        default -> line = line.addKeyValue(field.getKey(), plain(field.getValue()));
      }
    }
    line.log();
  }

  /** Vert.x JSON as plain maps and lists, which the encoder (Jackson) writes as JSON objects and arrays. */
  static Object plain(Object value) {
    if (value instanceof JsonObject o) {
      Map<String, Object> map = new LinkedHashMap<>();
      o.forEach(e -> map.put(e.getKey(), plain(e.getValue())));
      return map;
    }
    if (value instanceof JsonArray a) {
      List<Object> list = new ArrayList<>();
      a.forEach(v -> list.add(plain(v)));
      return list;
    }
    return value;
  }
}
