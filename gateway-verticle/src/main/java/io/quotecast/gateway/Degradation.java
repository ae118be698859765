package io.quotecast.gateway;

import io.quotecast.common.Freq;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * One connection's subscriptions while the node slows its tier ({@code overload.degradedFreq}): each is delivered at
 * the slower of its own freq and {@link #minFreq}, and its own freq is remembered so it gets it back when the
 * overload ends. Lives only while the connection is degraded; owned by its session's event loop.
 */
final class Degradation {
  final Freq minFreq;
  private final Map<Subscription, Freq> own = new IdentityHashMap<>();

  Degradation(Freq minFreq) {
    this.minFreq = minFreq;
  }

  /** Remembers {@code ownFreq} as the subscription's own and returns the freq to deliver it at. */
  Freq slow(Subscription sub, Freq ownFreq) {
    own.put(sub, ownFreq);
    return ownFreq.atLeast(minFreq);
  }

  /** The freq the subscription asked for (its current one if it was never slowed). */
  Freq own(Subscription sub) {
    Freq f = own.get(sub);
    return f == null ? sub.freq : f;
  }

  /** The subscription ended. */
  void forget(Subscription sub) {
    own.remove(sub);
  }

  /** Subscriptions delivered slower than they asked. */
  int slowed() {
    int n = 0;
    for (Freq f : own.values()) {
      if (f.atLeast(minFreq) != f) {
        n++;
      }
    }
    return n;
  }
}
