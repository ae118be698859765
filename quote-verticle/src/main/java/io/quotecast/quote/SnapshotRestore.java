package io.quotecast.quote;

import io.quotecast.common.KlineInterval;
import io.quotecast.common.Price;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Reads a symbol's last publications (as another quote node left them in the snapshot map) back into simulator and
 * bar state, so the market continues where it was rather than restarting from the listing. Pure logic. What the
 * payloads do not carry starts fresh: limit-board stickiness and drift regime, and the volume gathered in a running
 * auction.
 */
final class SnapshotRestore {
  private SnapshotRestore() {}

  /**
   * Sets {@code s} from a quote payload: previous close (and so the limits), open/high/low/last, the day's volume and
   * amount, the book, the time and trading day. {@code tradesToday} and {@code lastTradeId} come from the day's bar and
   * the trade channel, which the quote payload does not carry (-1 = unknown, keep the current value).
   */
  static void quote(SymbolState s, JsonObject q, long tradesToday, long lastTradeId) {
    s.setPreClose(fen(q, "preClose"));
    long volume = q.getLong("volume", 0L);
    long last = fen(q, "last");
    if (volume > 0) {
      // before the first trade the payload repeats preClose in open/high/low; internally open 0 means "no trade yet"
      s.open = fen(q, "open");
      s.high = fen(q, "high");
      s.low = fen(q, "low");
    }
    s.last = last;
    s.ref = last;
    s.volume = volume;
    s.amount = fen(q, "amount");
    if (tradesToday >= 0) {
      s.trades = tradesToday;
    }
    if (lastTradeId >= 0) {
      s.tradeId = Math.max(s.tradeId, lastTradeId);
    }
    long time = q.getLong("time", s.time);
    s.time = time;
    s.epochDay = SessionClock.epochDay(time);
    s.bids = levels(q.getJsonArray("bids"), s.bidPx, s.bidSz);
    s.asks = levels(q.getJsonArray("asks"), s.askPx, s.askSz);
  }

  /** A kline payload as a bar. */
  static Bar bar(JsonObject k) {
    KlineInterval interval = KlineInterval.fromWire(k.getString("interval"));
    if (interval == null) {
      throw new IllegalArgumentException("bad kline interval in " + k);
    }
    return new Bar(interval, k.getLong("openTime"), fen(k, "open"), fen(k, "high"), fen(k, "low"), fen(k, "close"),
        k.getLong("volume", 0L), fen(k, "amount"), k.getLong("trades", 0L), k.getBoolean("closed", false));
  }

  private static int levels(JsonArray side, long[] px, long[] sz) {
    if (side == null) {
      return 0;
    }
    int n = Math.min(side.size(), SymbolState.LEVELS);
    for (int i = 0; i < n; i++) {
      JsonArray level = side.getJsonArray(i);
      px[i] = Price.parse(String.valueOf(level.getValue(0)));
      sz[i] = level.getLong(1);
    }
    return n;
  }

  /** A two-place decimal field in fen (exact: the payload's decimals have at most 15 significant digits). */
  private static long fen(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (!(v instanceof Number)) {
      throw new IllegalArgumentException("missing number '" + field + "'");
    }
    return Price.parse(String.valueOf(v));
  }
}
