package io.quotecast.gateway;

import java.util.Arrays;

/**
 * The traces watching one connection ({@link Session#trace}) or one subscription ({@link Subscription#trace}).
 * Immutable and replaced on every change, and null when nothing watches: the hot path reads one field and, untraced,
 * does nothing else.
 */
final class TraceSet {
  private final TraceTap[] taps;

  private TraceSet(TraceTap[] taps) {
    this.taps = taps;
  }

  /** {@code set} plus {@code tap} ({@code set} may be null). */
  static TraceSet with(TraceSet set, TraceTap tap) {
    if (set == null) {
      return new TraceSet(new TraceTap[] {tap});
    }
    if (set.contains(tap)) {
      return set;
    }
    TraceTap[] more = Arrays.copyOf(set.taps, set.taps.length + 1);
    more[set.taps.length] = tap;
    return new TraceSet(more);
  }

  /** {@code set} without {@code tap}; null when none is left. */
  static TraceSet without(TraceSet set, TraceTap tap) {
    if (set == null || !set.contains(tap)) {
      return set;
    }
    TraceTap[] fewer = Arrays.stream(set.taps).filter(t -> t != tap).toArray(TraceTap[]::new);
    return fewer.length == 0 ? null : new TraceSet(fewer);
  }

  boolean contains(TraceTap tap) {
    for (TraceTap t : taps) {
      if (t == tap) {
        return true;
      }
    }
    return false;
  }

  /** The ids of the traces, for diagnostics. */
  String[] ids() {
    return Arrays.stream(taps).map(t -> t.traceId).toArray(String[]::new);
  }

  void in(Session session, String text, long now) {
    for (TraceTap tap : taps) {
      tap.in(session, text, now);
    }
  }

  void out(Session session, OutboundMessage message, long now) {
    for (TraceTap tap : taps) {
      tap.out(session, message, now);
    }
  }

  void wrote(Subscription sub, OutboundMessage message, long seq, long now) {
    for (TraceTap tap : taps) {
      tap.wrote(sub, message, seq, now);
    }
  }
}
