package io.quotecast.sdk;

import io.vertx.core.json.JsonArray;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** One order-book level: price and size in shares. */
public record Level(BigDecimal price, long volume) {
  static List<Level> list(JsonArray levels) {
    List<Level> out = new ArrayList<>();
    if (levels != null) {
      for (Object o : levels) {
        if (o instanceof JsonArray l && l.size() >= 2) {
          out.add(new Level(Decimals.of(l.getValue(0)), Decimals.longOf(l.getValue(1))));
        }
      }
    }
    return List.copyOf(out);
  }
}
