package io.quotecast.quote;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;

/**
 * Data quality per symbol, as the source delivers it: when it last updated and traded, whether it went quiet
 * (stale), gaps in the source's per-symbol sequence numbers, ticks whose time runs backwards, and ticks refused as
 * invalid (by reason, crossed books and limit breaches among them). Counted for the symbols this node produces, per
 * trading day (reset at the Shanghai date change) and per owner (a node taking a symbol over starts from zero).
 *
 * <p>Plain arrays indexed like the listings, updated on the quote verticle's event loop: nothing is allocated per
 * tick. Pure: times are passed in.
 *
 * <p><b>Stale</b>: during an active phase (trading or auction), no update for longer than
 * {@code max(staleMs, staleFactor x the symbol's typical interval between updates)}. The typical interval is a moving
 * average of the symbol's own gaps between updates, so a stock that trades every few minutes is not flagged for being
 * quiet, while one that updated several times a second is flagged soon after it stops. Time outside active phases
 * (the lunch break, the night) never counts: a symbol's age is measured from the later of its last update, the start
 * of the current active phase and the moment this node began producing it.
 */
final class QualityBook {
  /** Why a source message about a listed symbol was refused. */
  enum Invalid {
    /** A field missing or of the wrong type. */
    MALFORMED("malformed"),
    /** A value out of range: price decimals or size, an unsorted side, a time from another day or the future. */
    OUT_OF_RANGE("outOfRange"),
    /** The best bid not below the best ask. */
    CROSSED_BOOK("crossedBook"),
    /** A price outside the symbol's daily limits [limitDown, limitUp]. */
    LIMIT_BREACH("limitBreach");

    final String wire;

    Invalid(String wire) {
      this.wire = wire;
    }
  }

  /** Flags, in the order a row lists them. */
  static final String STALE = "stale";
  static final String GAP = "gap";
  static final String OUT_OF_ORDER = "outOfOrder";
  static final String INVALID = "invalid";
  static final String CROSSED_BOOK = "crossedBook";
  static final String LIMIT_BREACH = "limitBreach";

  private static final long NONE = Long.MIN_VALUE;
  private static final Invalid[] REASONS = Invalid.values();
  /** Weight of a new interval in the moving average: about the last eight intervals matter. */
  private static final double ALPHA = 1.0 / 8;

  private final long staleMs;
  private final double staleFactor;
  private final long[] lastUpdate;
  private final long[] lastTrade;
  /** When this node began producing the symbol (takeover): the origin of its age until its first update. */
  private final long[] watchFrom;
  /** When counting began: the later of {@link #watchFrom} and the start of the trading day. */
  private final long[] since;
  private final long[] updates;
  private final double[] interval;
  private final long[] lastSeq;
  private final long[] lastSourceTime;
  private final long[] gaps;
  private final long[] missing;
  private final long[] outOfOrder;
  /** Rejections, {@code [symbol * REASONS.length + reason]}. */
  private final long[] invalid;
  private boolean active;
  private long activeSince;

  QualityBook(int symbols, long staleMs, double staleFactor, long now, boolean active) {
    this.staleMs = staleMs;
    this.staleFactor = staleFactor;
    lastUpdate = new long[symbols];
    lastTrade = new long[symbols];
    watchFrom = new long[symbols];
    since = new long[symbols];
    updates = new long[symbols];
    interval = new double[symbols];
    lastSeq = new long[symbols];
    lastSourceTime = new long[symbols];
    gaps = new long[symbols];
    missing = new long[symbols];
    outOfOrder = new long[symbols];
    invalid = new long[symbols * REASONS.length];
    Arrays.fill(lastUpdate, NONE);
    Arrays.fill(lastTrade, NONE);
    Arrays.fill(watchFrom, now);
    Arrays.fill(since, now);
    Arrays.fill(lastSourceTime, NONE);
    this.active = active;
    this.activeSince = now;
  }

  /** The trading phase changed: an active phase that begins now restarts every symbol's age (nobody trades at lunch). */
  void phase(boolean nowActive, long now) {
    if (nowActive && !active) {
      activeSince = now;
    }
    active = nowActive;
  }

  /** This node begins producing symbol {@code i}: everything about it starts from zero. */
  void watch(int i, long now) {
    lastUpdate[i] = NONE;
    lastTrade[i] = NONE;
    watchFrom[i] = now;
    since[i] = now;
    interval[i] = 0;
    lastSeq[i] = 0;
    lastSourceTime[i] = NONE;
    clearCounters(i);
  }

  /** A new trading day: the counts start again (ages, typical intervals and seq tracking carry on). */
  void newDay(long now) {
    for (int i = 0; i < updates.length; i++) {
      since[i] = now;
      clearCounters(i);
    }
  }

  private void clearCounters(int i) {
    updates[i] = 0;
    gaps[i] = 0;
    missing[i] = 0;
    outOfOrder[i] = 0;
    Arrays.fill(invalid, i * REASONS.length, (i + 1) * REASONS.length, 0);
  }

  /** The source updated symbol {@code i} at {@code now} (a trade when {@code trade}). */
  void updated(int i, long now, boolean trade) {
    long last = lastUpdate[i];
    if (last != NONE && last >= activeSince) {
      // only gaps within one active phase describe how busy the symbol is
      double gap = Math.max(0, now - last);
      interval[i] = interval[i] == 0 ? gap : interval[i] + ALPHA * (gap - interval[i]);
    }
    lastUpdate[i] = now;
    updates[i]++;
    if (trade) {
      lastTrade[i] = now;
    }
  }

  /**
   * The source's sequence number of a message about symbol {@code i} (0: the message had none). A number more than
   * one above the previous is a gap; a smaller or equal one starts the count again (a source that renumbered after a
   * restart), as does the first one after this node began producing the symbol.
   */
  void sourceSeq(int i, long seq) {
    if (seq <= 0) {
      return;
    }
    long previous = lastSeq[i];
    if (previous > 0 && seq > previous + 1) {
      gaps[i]++;
      missing[i] += seq - previous - 1;
    }
    lastSeq[i] = seq;
  }

  /** The source's time of a message about symbol {@code i}: earlier than the previous one's is out of order. */
  void sourceTime(int i, long time) {
    if (lastSourceTime[i] != NONE && time < lastSourceTime[i]) {
      outOfOrder[i]++;
    } else {
      lastSourceTime[i] = time;
    }
  }

  /** A message about symbol {@code i} was refused. */
  void reject(int i, Invalid reason) {
    invalid[i * REASONS.length + reason.ordinal()]++;
  }

  /** How long symbol {@code i} may go without an update during trading before it is stale. */
  long staleAfterMs(int i) {
    return interval[i] > 0 ? Math.max(staleMs, (long) (staleFactor * interval[i])) : staleMs;
  }

  /** Whether symbol {@code i} is stale at {@code now}: an active phase and no update for {@link #staleAfterMs}. */
  boolean stale(int i, long now) {
    if (!active) {
      return false;
    }
    long from = Math.max(activeSince, Math.max(watchFrom[i], lastUpdate[i]));
    return now - from > staleAfterMs(i);
  }

  long gaps(int i) {
    return gaps[i];
  }

  long missing(int i) {
    return missing[i];
  }

  long outOfOrder(int i) {
    return outOfOrder[i];
  }

  long invalid(int i, Invalid reason) {
    return invalid[i * REASONS.length + reason.ordinal()];
  }

  long invalidTotal(int i) {
    long sum = 0;
    for (int r = 0; r < REASONS.length; r++) {
      sum += invalid[i * REASONS.length + r];
    }
    return sum;
  }

  long updates(int i) {
    return updates[i];
  }

  /** The flags of symbol {@code i} at {@code now}, in a fixed order; empty when nothing is wrong. */
  JsonArray flags(int i, long now) {
    JsonArray flags = new JsonArray();
    if (stale(i, now)) {
      flags.add(STALE);
    }
    if (gaps[i] > 0) {
      flags.add(GAP);
    }
    if (outOfOrder[i] > 0) {
      flags.add(OUT_OF_ORDER);
    }
    if (invalidTotal(i) > 0) {
      flags.add(INVALID);
    }
    if (invalid(i, Invalid.CROSSED_BOOK) > 0) {
      flags.add(CROSSED_BOOK);
    }
    if (invalid(i, Invalid.LIMIT_BREACH) > 0) {
      flags.add(LIMIT_BREACH);
    }
    return flags;
  }

  /**
   * The figures of symbol {@code i} at {@code now} (without symbol, name, owner and phase, which the caller adds):
   * {@code updates, lastUpdateAgeMs, lastTradeAgeMs (null: none since counting began), staleAfterMs, stale, gaps,
   * missing, outOfOrder, invalid {total, malformed, outOfRange, crossedBook, limitBreach}, crossedBooks,
   * limitBreaches, flags, since}.
   */
  JsonObject row(int i, long now) {
    JsonObject reasons = new JsonObject().put("total", invalidTotal(i));
    for (Invalid r : REASONS) {
      reasons.put(r.wire, invalid(i, r));
    }
    JsonArray flags = flags(i, now);
    return new JsonObject()
        .put("updates", updates[i])
        .put("lastUpdateAgeMs", lastUpdate[i] == NONE ? null : Math.max(0, now - lastUpdate[i]))
        .put("lastTradeAgeMs", lastTrade[i] == NONE ? null : Math.max(0, now - lastTrade[i]))
        .put("staleAfterMs", staleAfterMs(i))
        .put("stale", flags.contains(STALE))
        .put("gaps", gaps[i])
        .put("missing", missing[i])
        .put("outOfOrder", outOfOrder[i])
        .put("invalid", reasons)
        .put("crossedBooks", invalid(i, Invalid.CROSSED_BOOK))
        .put("limitBreaches", invalid(i, Invalid.LIMIT_BREACH))
        .put("flags", flags)
        .put("since", since[i]);
  }
}
