package io.quotecast.quote;

import io.vertx.core.json.JsonObject;

/**
 * What became of an upstream feed's messages: applied, skipped (a symbol another quote node produces), heartbeats, and
 * rejections by reason. Rejections never close the connection; they are summed up in a log line at most once per
 * {@link #LOG_EVERY_MS}, so a feed that sends garbage thousands of times a second cannot flood the log. Pure; used on
 * the quote verticle's event loop.
 */
final class FeedCounters {
  static final long LOG_EVERY_MS = 10_000;
  private static final int EXAMPLE_CHARS = 200;

  /** Why a message was not applied. */
  enum Reason {
    /** Not JSON, not an object, a field missing or of the wrong type. */
    MALFORMED("malformed"),
    /** A {@code type} this version does not know (ignored, so feeds may add message types). */
    UNKNOWN_TYPE("unknownType"),
    /** A symbol that is not in the listings. */
    UNKNOWN_SYMBOL("unknownSymbol"),
    /** A value out of range: price not positive or with more than two decimals, outside the daily limits, a crossed
     *  or unsorted book, a size not a positive integer, a timestamp from another day or the future. */
    OUT_OF_RANGE("outOfRange");

    final String wire;

    Reason(String wire) {
      this.wire = wire;
    }
  }

  private static final Reason[] REASONS = Reason.values();

  private final long[] rejected = new long[REASONS.length];
  private final long[] sinceLog = new long[REASONS.length];
  private final String[] example = new String[REASONS.length];
  private long applied;
  private long notOwned;
  private long heartbeats;
  private long lastLog = Long.MIN_VALUE / 2;

  void reject(Reason reason, String detail) {
    int r = reason.ordinal();
    rejected[r]++;
    if (sinceLog[r]++ == 0) {
      example[r] = detail.length() <= EXAMPLE_CHARS ? detail : detail.substring(0, EXAMPLE_CHARS) + "...";
    }
  }

  void countApplied() {
    applied++;
  }

  void countNotOwned() {
    notOwned++;
  }

  void countHeartbeat() {
    heartbeats++;
  }

  long rejected(Reason reason) {
    return rejected[reason.ordinal()];
  }

  long applied() {
    return applied;
  }

  long notOwned() {
    return notOwned;
  }

  long heartbeats() {
    return heartbeats;
  }

  /**
   * The rejections since the last summary as one log line, with one example each — or null when there were none or
   * the last summary is less than {@link #LOG_EVERY_MS} old (they are then reported in a later one).
   */
  String summaryDue(long now) {
    if (now - lastLog < LOG_EVERY_MS) {
      return null;
    }
    StringBuilder sb = null;
    for (Reason reason : REASONS) {
      int r = reason.ordinal();
      if (sinceLog[r] == 0) {
        continue;
      }
      sb = sb == null ? new StringBuilder("feed messages rejected: ") : sb.append("; ");
      sb.append(reason.wire).append(' ').append(sinceLog[r]).append(" (e.g. ").append(example[r]).append(')');
      sinceLog[r] = 0;
      example[r] = null;
    }
    if (sb == null) {
      return null;
    }
    lastLog = now;
    return sb.toString();
  }

  /** Totals since start, e.g. for a diagnostics line. */
  JsonObject toJson() {
    JsonObject rejections = new JsonObject();
    for (Reason reason : REASONS) {
      rejections.put(reason.wire, rejected[reason.ordinal()]);
    }
    return new JsonObject().put("applied", applied).put("notOwned", notOwned).put("heartbeats", heartbeats)
        .put("rejected", rejections);
  }
}
