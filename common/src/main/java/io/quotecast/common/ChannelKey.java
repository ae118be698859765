package io.quotecast.common;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A channel: {@code quote:600519.SH}, {@code trade:600519.SH}, {@code kline:1m:600519.SH}. Immutable; the key text and
 * the event-bus address are computed once.
 */
public final class ChannelKey {
  private final ChannelType type;
  private final KlineInterval interval;
  private final String symbol;
  private final String key;
  private final String address;

  private ChannelKey(ChannelType type, KlineInterval interval, String symbol) {
    this.type = type;
    this.interval = interval;
    this.symbol = symbol;
    this.key = type == ChannelType.KLINE
        ? type.wire() + ":" + interval.wire() + ":" + symbol
        : type.wire() + ":" + symbol;
    this.address = Addresses.MARKET_DATA_PREFIX + key.replace(':', '.');
  }

  public static ChannelKey quote(String symbol) {
    return new ChannelKey(ChannelType.QUOTE, null, symbol);
  }

  public static ChannelKey trade(String symbol) {
    return new ChannelKey(ChannelType.TRADE, null, symbol);
  }

  public static ChannelKey kline(KlineInterval interval, String symbol) {
    return new ChannelKey(ChannelType.KLINE, interval, symbol);
  }

  public static ChannelKey of(ChannelType type, KlineInterval interval, String symbol) {
    return type == ChannelType.KLINE ? kline(interval, symbol) : new ChannelKey(type, null, symbol);
  }

  /**
   * Parses a channel key. A bad type or interval is INVALID_CHANNEL (with {@code allowed}); a malformed symbol is
   * INVALID_SYMBOL with the raw text in {@code symbol}, so the caller can add suggestions. Whether a well-formed symbol
   * exists is not checked here.
   */
  public static ChannelKey parse(String text) {
    if (text == null || text.isEmpty() || text.length() > 64) {
      throw invalidChannel("invalid channel '" + text + "'");
    }
    int first = text.indexOf(':');
    if (first < 0) {
      throw invalidChannel("invalid channel '" + text + "': expected type:symbol or kline:interval:symbol");
    }
    ChannelType type = ChannelType.fromWire(text.substring(0, first));
    if (type == null) {
      throw new ProtocolException(ErrorCode.INVALID_CHANNEL, "unknown channel type '" + text.substring(0, first) + "'",
          new JsonObject().put("allowed", new JsonArray(ChannelType.wireNames())));
    }
    String rest = text.substring(first + 1);
    KlineInterval interval = null;
    if (type == ChannelType.KLINE) {
      int second = rest.indexOf(':');
      if (second < 0) {
        throw new ProtocolException(ErrorCode.INVALID_CHANNEL, "kline channel needs an interval: kline:1m:600519.SH",
            new JsonObject().put("allowed", new JsonArray(KlineInterval.wireNames())));
      }
      interval = KlineInterval.fromWire(rest.substring(0, second));
      if (interval == null) {
        throw new ProtocolException(ErrorCode.INVALID_CHANNEL, "unknown interval '" + rest.substring(0, second) + "'",
            new JsonObject().put("allowed", new JsonArray(KlineInterval.wireNames())));
      }
      rest = rest.substring(second + 1);
    }
    return of(type, interval, requireSymbol(rest));
  }

  /** The canonical symbol, or INVALID_SYMBOL naming the raw text. */
  public static String requireSymbol(String raw) {
    String symbol = SymbolCode.normalize(raw);
    if (symbol == null) {
      throw new ProtocolException(ErrorCode.INVALID_SYMBOL, "invalid symbol '" + raw + "': expected six digits and .SH, .SZ or .BJ",
          new JsonObject().put("symbol", raw == null ? "" : raw));
    }
    return symbol;
  }

  private static ProtocolException invalidChannel(String message) {
    return new ProtocolException(ErrorCode.INVALID_CHANNEL, message,
        new JsonObject().put("allowed", new JsonArray(ChannelType.wireNames())));
  }

  public ChannelType type() {
    return type;
  }

  /** The K-line interval, null for quote and trade channels. */
  public KlineInterval interval() {
    return interval;
  }

  public String symbol() {
    return symbol;
  }

  /** The event-bus address this channel is published on. */
  public String address() {
    return address;
  }

  @Override
  public String toString() {
    return key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChannelKey other && key.equals(other.key);
  }

  @Override
  public int hashCode() {
    return key.hashCode();
  }
}
