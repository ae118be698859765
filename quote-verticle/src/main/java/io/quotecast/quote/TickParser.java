package io.quotecast.quote;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * Reads an upstream feed's text frames (docs/UPSTREAM-FEED.md) into {@link FeedTick}s. A frame holds one or more JSON
 * values (newline-delimited is fine), each an object or an array of objects. Every object stands alone: a bad one is
 * counted in {@link FeedCounters} with its reason and skipped, the others are delivered; nothing is thrown.
 *
 * <p>Numbers are read from their text into {@link BigDecimal}, never through {@code double}, so {@code "10.05"} and
 * {@code 10.05} are exactly 1005 fen. A price with more than two decimal places (after trailing zeros) is rejected, not
 * rounded: publishing a price the exchange never printed would be worse than dropping the tick. Pure.
 */
final class TickParser {
  static final long MAX_PRICE_FEN = 100_000_000L; // 1,000,000.00 CNY: far above any A-share, far below overflow
  static final long MAX_SIZE = 10_000_000_000L;
  /** A tick stamped further ahead of our clock than this is refused: the feed's clock (or the tick) is wrong. */
  static final long MAX_AHEAD_MS = 60_000;
  private static final int MAX_DEPTH = 6;
  private static final JsonFactory JSON = new JsonFactory();

  /** Told of every rejected message whose symbol is listed (for the per-symbol quality figures). */
  @FunctionalInterface
  interface SymbolRejects {
    /** @param seq the message's {@code seq}, 0 when it had none or it could not be read */
    void rejected(int index, long seq, FeedCounters.Reason reason);
  }

  private final ToIntFunction<String> indexOf;
  private final FeedCounters counters;
  private final SymbolRejects symbolRejects;
  /** The symbol (and seq) of the message being read, -1 until known: which symbol a rejection is about. */
  private int current = -1;
  private long currentSeq;

  /** @param indexOf a canonical symbol's listing index, or -1 when it is not listed */
  TickParser(ToIntFunction<String> indexOf, FeedCounters counters) {
    this(indexOf, counters, (index, seq, reason) -> { });
  }

  TickParser(ToIntFunction<String> indexOf, FeedCounters counters, SymbolRejects symbolRejects) {
    this.indexOf = indexOf;
    this.counters = counters;
    this.symbolRejects = symbolRejects;
  }

  /** Parses one frame received at {@code now}; each valid message goes to {@code out}, in order. */
  void parse(String frame, long now, Consumer<FeedTick> out) {
    List<Object> values = new ArrayList<>(1);
    try (JsonParser p = JSON.createParser(frame)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        values.add(read(p, t, 0));
      }
      if (values.isEmpty()) {
        counters.reject(FeedCounters.Reason.MALFORMED, "empty frame");
      }
    } catch (IOException | RuntimeException e) {
      // the values before the broken one still count; the rest of the frame is lost
      counters.reject(FeedCounters.Reason.MALFORMED, "not JSON (" + firstLine(e.getMessage()) + "): " + frame);
    }
    for (Object value : values) {
      if (value instanceof List<?> list) {
        for (Object item : list) {
          one(item, now, out);
        }
      } else {
        one(value, now, out);
      }
    }
  }

  private void one(Object value, long now, Consumer<FeedTick> out) {
    FeedTick tick;
    current = -1;
    currentSeq = 0;
    try {
      tick = tick(value, now);
    } catch (Rejected r) {
      counters.reject(r.reason, r.getMessage());
      if (current >= 0) {
        symbolRejects.rejected(current, currentSeq, r.reason);
      }
      return;
    }
    if (tick != null) {
      out.accept(tick);
    }
  }

  private FeedTick tick(Object value, long now) {
    if (!(value instanceof Map<?, ?> m)) {
      throw malformed("expected an object, got " + abbreviate(value));
    }
    if (!(m.get("type") instanceof String type)) {
      throw malformed("no \"type\" string in " + abbreviate(m));
    }
    return switch (type) {
      case "trade" -> {
        int index = symbol(m);
        long seq = seq(m);
        long time = time(m, now);
        long price = price(m.get("price"), "price");
        long size = size(m.get("size"), "size");
        yield new FeedTick.TradeTick(index, time, price, size, side(m.get("side")), seq);
      }
      case "book" -> {
        int index = symbol(m);
        long seq = seq(m);
        long time = time(m, now);
        FeedTick.Levels bids = levels(m.get("bids"), "bids", true);
        FeedTick.Levels asks = levels(m.get("asks"), "asks", false);
        if (bids == null && asks == null) {
          throw malformed("a book needs \"bids\" or \"asks\": " + abbreviate(m));
        }
        yield new FeedTick.BookTick(index, time, bids, asks, seq);
      }
      case "heartbeat" -> new FeedTick.Heartbeat(time(m, now));
      default -> throw new Rejected(FeedCounters.Reason.UNKNOWN_TYPE, "type \"" + abbreviate(type) + "\"");
    };
  }

  private int symbol(Map<?, ?> m) {
    if (!(m.get("symbol") instanceof String raw)) {
      throw malformed("no \"symbol\" string in " + abbreviate(m));
    }
    String symbol = raw.trim().toUpperCase(Locale.ROOT);
    int index = indexOf.applyAsInt(symbol);
    if (index < 0) {
      throw new Rejected(FeedCounters.Reason.UNKNOWN_SYMBOL, abbreviate(symbol));
    }
    current = index;
    return index;
  }

  /**
   * {@code seq}: the feed's sequence number of this symbol's messages, a positive integer; absent or null = 0 (none).
   * Read right after the symbol, so a message rejected for another field still accounts for its number.
   */
  private long seq(Map<?, ?> m) {
    Object v = m.get("seq");
    if (v == null) {
      return 0;
    }
    BigDecimal d = v instanceof BigDecimal b ? b : null;
    if (d == null || d.signum() <= 0 || d.stripTrailingZeros().scale() > 0
        || d.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw malformed("\"seq\" must be a positive integer, got " + abbreviate(v));
    }
    currentSeq = d.longValueExact();
    return currentSeq;
  }

  /** {@code ts}: epoch ms; absent or null = the arrival time. Not ahead of us, not before today (Shanghai). */
  private static long time(Map<?, ?> m, long now) {
    Object v = m.get("ts");
    if (v == null) {
      return now;
    }
    BigDecimal d = v instanceof BigDecimal b ? b : null;
    if (d == null || d.stripTrailingZeros().scale() > 0) {
      throw malformed("\"ts\" must be an integer (epoch ms), got " + abbreviate(v));
    }
    long ts;
    try {
      ts = d.longValueExact();
    } catch (ArithmeticException e) {
      throw outOfRange("\"ts\" " + abbreviate(d) + " is not an epoch ms");
    }
    if (ts > now + MAX_AHEAD_MS) {
      throw outOfRange("\"ts\" " + ts + " is " + (ts - now) + " ms ahead of this server's clock");
    }
    if (SessionClock.epochDay(ts) < SessionClock.epochDay(now)) {
      throw outOfRange("\"ts\" " + ts + " is from an earlier trading day");
    }
    return ts;
  }

  /** A positive price with at most two decimal places, in fen. */
  static long price(Object v, String field) {
    BigDecimal d = decimal(v, field);
    if (d.signum() <= 0) {
      throw outOfRange(field + " " + abbreviate(d) + " is not positive");
    }
    if (d.stripTrailingZeros().scale() > 2) {
      throw outOfRange(field + " " + abbreviate(d) + " has more than two decimal places");
    }
    if (d.compareTo(BigDecimal.valueOf(MAX_PRICE_FEN, 2)) > 0) {
      throw outOfRange(field + " " + abbreviate(d) + " is too large");
    }
    return d.movePointRight(2).longValueExact();
  }

  /** A positive whole number of shares. */
  static long size(Object v, String field) {
    BigDecimal d = decimal(v, field);
    if (d.stripTrailingZeros().scale() > 0) {
      throw outOfRange(field + " " + abbreviate(d) + " is not a whole number of shares");
    }
    if (d.signum() <= 0 || d.compareTo(BigDecimal.valueOf(MAX_SIZE)) > 0) {
      throw outOfRange(field + " " + abbreviate(d) + " is out of range (1.." + MAX_SIZE + ")");
    }
    return d.longValueExact();
  }

  /** A JSON number or a string holding one, exactly. */
  private static BigDecimal decimal(Object v, String field) {
    if (v instanceof BigDecimal d) {
      return d;
    }
    if (v instanceof String s) {
      try {
        return new BigDecimal(s.trim());
      } catch (NumberFormatException e) {
        throw malformed(field + " \"" + abbreviate(s) + "\" is not a number");
      }
    }
    throw malformed(field + " missing or not a number: " + abbreviate(v));
  }

  private static Side side(Object v) {
    if (v == null) {
      return Side.NEUTRAL;
    }
    if (v instanceof String s) {
      switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "b", "buy" -> {
          return Side.BUY;
        }
        case "s", "sell" -> {
          return Side.SELL;
        }
        case "n", "neutral", "" -> {
          return Side.NEUTRAL;
        }
        default -> {
          // fall through to the rejection below
        }
      }
    }
    throw malformed("\"side\" must be B, S or N (or buy, sell, neutral), got " + abbreviate(v));
  }

  /**
   * One side of the book: {@code [[price, size], ...]} best first; null when the field is absent. Levels past the
   * fifth are ignored (deeper books are cut), as are further elements of a level (e.g. an order count); a level with
   * price or size 0 ends the side (feeds that pad empty levels with zeros). Bids must strictly descend, asks ascend.
   */
  private static FeedTick.Levels levels(Object v, String field, boolean bids) {
    if (v == null) {
      return null;
    }
    if (!(v instanceof List<?> list)) {
      throw malformed("\"" + field + "\" must be an array of [price, size], got " + abbreviate(v));
    }
    long[] px = new long[SymbolState.LEVELS];
    long[] sz = new long[SymbolState.LEVELS];
    int n = 0;
    for (Object item : list) {
      if (n == SymbolState.LEVELS) {
        break;
      }
      if (!(item instanceof List<?> level) || level.size() < 2) {
        throw malformed("a level of \"" + field + "\" must be [price, size], got " + abbreviate(item));
      }
      if (isZero(level.get(0)) || isZero(level.get(1))) {
        break;
      }
      px[n] = price(level.get(0), field + " price");
      sz[n] = size(level.get(1), field + " size");
      if (n > 0 && (bids ? px[n] >= px[n - 1] : px[n] <= px[n - 1])) {
        throw outOfRange("\"" + field + "\" must be best first (" + (bids ? "descending" : "ascending")
            + "), got " + abbreviate(list));
      }
      n++;
    }
    return new FeedTick.Levels(px, sz, n);
  }

  private static boolean isZero(Object v) {
    try {
      return (v instanceof BigDecimal d && d.signum() == 0)
          || (v instanceof String s && new BigDecimal(s.trim()).signum() == 0);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** A JSON value as String, BigDecimal, Boolean, null, List or Map. */
  private static Object read(JsonParser p, JsonToken t, int depth) throws IOException {
    if (t == null) {
      throw new IOException("unexpected end of input");
    }
    if (depth > MAX_DEPTH) {
      throw new IOException("nested deeper than " + MAX_DEPTH);
    }
    switch (t) {
      case START_OBJECT -> {
        Map<String, Object> m = new LinkedHashMap<>();
        for (JsonToken k = p.nextToken(); k == JsonToken.FIELD_NAME; k = p.nextToken()) {
          String name = p.currentName();
          m.put(name, read(p, p.nextToken(), depth + 1));
        }
        return m;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          list.add(read(p, e, depth + 1));
        }
        return list;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        return new BigDecimal(p.getText()); // the literal's digits, exactly
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return t == JsonToken.VALUE_TRUE;
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw new IOException("unexpected " + t);
    }
  }

  private static String abbreviate(Object v) {
    String s = String.valueOf(v);
    return s.length() <= 120 ? s : s.substring(0, 120) + "...";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static Rejected malformed(String why) {
    return new Rejected(FeedCounters.Reason.MALFORMED, why);
  }

  private static Rejected outOfRange(String why) {
    return new Rejected(FeedCounters.Reason.OUT_OF_RANGE, why);
  }

  /** A message that is skipped, and why. Cheap: no stack trace. */
  private static final class Rejected extends RuntimeException {
    final FeedCounters.Reason reason;

    Rejected(FeedCounters.Reason reason, String message) {
      super(message, null, false, false);
      this.reason = reason;
    }
  }
}
