package io.quotecast.gateway;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.ChannelType;
import io.quotecast.common.ErrorCode;
import io.quotecast.common.Freq;
import io.quotecast.common.KlineInterval;
import io.quotecast.common.ProtocolException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Typed reads of a request's {@code args}; a wrong type is BAD_REQUEST naming the field. */
final class RequestArgs {
  private final JsonObject args;

  RequestArgs(JsonObject args) {
    this.args = args;
  }

  boolean has(String field) {
    return args.getValue(field) != null;
  }

  List<String> strings(String field) {
    Object value = args.getValue(field);
    if (!(value instanceof JsonArray array)) {
      throw ProtocolException.badRequest(field, field + " must be an array of strings");
    }
    List<String> out = new ArrayList<>(array.size());
    for (Object item : array) {
      if (!(item instanceof String s)) {
        throw ProtocolException.badRequest(field, field + " must be an array of strings");
      }
      out.add(s);
    }
    return out;
  }

  String string(String field) {
    Object value = args.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw ProtocolException.badRequest(field, field + " must be a string");
    }
    return s;
  }

  boolean bool(String field, boolean defaultValue) {
    Object value = args.getValue(field);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof Boolean b)) {
      throw ProtocolException.badRequest(field, field + " must be true or false");
    }
    return b;
  }

  long integer(String field, long min, long max) {
    Object value = args.getValue(field);
    if (!(value instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < min
        || n.longValue() > max) {
      throw ProtocolException.badRequest(field, field + " must be an integer from " + min + " to " + max);
    }
    return n.longValue();
  }

  JsonObject object(String field) {
    Object value = args.getValue(field);
    if (!(value instanceof JsonObject o)) {
      throw ProtocolException.badRequest(field, field + " must be an object");
    }
    return o;
  }

  /**
   * {@code since: {ch: {seq, epoch}}} (PROTOCOL.md §4, §6) as a catch-up per channel, keyed by the channel's
   * canonical text, in request order; an empty map when absent.
   */
  Map<String, Catchup> since() {
    Map<String, Catchup> out = new LinkedHashMap<>();
    if (!has("since")) {
      return out;
    }
    JsonObject since = object("since");
    for (String ch : since.fieldNames()) {
      ChannelKey key = ChannelKey.parse(ch);
      Object entry = since.getValue(ch);
      if (!(entry instanceof JsonObject position) || !(position.getValue("seq") instanceof Number seq)
          || seq.doubleValue() != seq.longValue() || seq.longValue() < 0
          || !(position.getValue("epoch") instanceof String epoch) || epoch.isEmpty()) {
        throw ProtocolException.badRequest("since", "since must map channels to {\"seq\": <integer >= 0>, "
            + "\"epoch\": \"<epoch>\"} as last received; got " + ch + ": " + entry);
      }
      out.put(key.toString(), new Catchup(seq.longValue(), epoch));
    }
    return out;
  }

  /** A freq name, or null when absent; an unknown name is INVALID_CHANNEL with the allowed values. */
  Freq freq() {
    String text = string("freq");
    if (text == null) {
      return null;
    }
    Freq freq = Freq.fromWire(text);
    if (freq == null) {
      throw new ProtocolException(ErrorCode.INVALID_CHANNEL, "unknown freq '" + text + "'",
          new JsonObject().put("allowed", new JsonArray(Freq.wireNames())));
    }
    return freq;
  }

  /**
   * The channels a request names, as raw channel texts in request order without duplicates: either {@code channels},
   * or {@code symbols} × {@code types} (default {@code ["quote"]}) with {@code interval} (default 1m) for K-lines.
   */
  List<String> channels() {
    boolean byChannels = has("channels");
    boolean bySymbols = has("symbols");
    if (byChannels == bySymbols) {
      throw ProtocolException.badRequest("channels", "give either channels, or symbols with types");
    }
    if (byChannels) {
      return new ArrayList<>(new LinkedHashSet<>(strings("channels")));
    }
    List<String> symbols = strings("symbols");
    List<String> types = has("types") ? strings("types") : List.of(ChannelType.QUOTE.wire());
    String intervalText = string("interval");
    KlineInterval interval = intervalText == null ? KlineInterval.M1 : KlineInterval.fromWire(intervalText);
    if (interval == null) {
      throw new ProtocolException(ErrorCode.INVALID_CHANNEL, "unknown interval '" + intervalText + "'",
          new JsonObject().put("allowed", new JsonArray(KlineInterval.wireNames())));
    }
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (String typeText : types) {
      ChannelType type = ChannelType.fromWire(typeText);
      if (type == null) {
        throw new ProtocolException(ErrorCode.INVALID_CHANNEL, "unknown channel type '" + typeText + "'",
            new JsonObject().put("allowed", new JsonArray(ChannelType.wireNames())));
      }
    }
    for (String symbol : symbols) {
      for (String typeText : types) {
        ChannelType type = ChannelType.fromWire(typeText);
        out.add(type == ChannelType.KLINE
            ? type.wire() + ":" + interval.wire() + ":" + symbol
            : type.wire() + ":" + symbol);
      }
    }
    return new ArrayList<>(out);
  }
}
