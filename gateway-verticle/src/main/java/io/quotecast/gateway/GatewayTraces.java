package io.quotecast.gateway;

import io.quotecast.common.admin.TraceSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The message traces active on one gateway instance. Starting one marks what it watches — the matching sessions
 * ({@link Session#trace}), or for a symbol every subscription to it ({@link Subscription#trace}) and its feeds
 * ({@link FeedTap}) — and connections or subscriptions that appear later are marked as they open ({@link #attach}).
 * A trace ends by itself after its seconds, or when the monitor stops it. All on the instance's event loop.
 */
final class GatewayTraces {
  private final Gateway gw;
  private final Map<String, TraceTap> active = new LinkedHashMap<>();

  GatewayTraces(Gateway gw) {
    this.gw = gw;
  }

  /** Starts (or restarts) {@code traceId}; returns how many connections or subscriptions it watches now. */
  int start(String traceId, TraceSpec spec) {
    stop(traceId);
    TraceTap tap = new TraceTap(gw, traceId, spec);
    active.put(traceId, tap);
    tap.timer = gw.vertx.setTimer(spec.seconds() * 1000L, t -> {
      tap.timer = -1;
      stop(traceId);
    });
    int matched = 0;
    if (spec.bySymbol()) {
      FeedTap.add(gw.feeds, spec.symbol(), tap);
      for (Session session : gw.sessions) {
        for (Subscription sub : session.subscriptions.values()) {
          if (sub.key.symbol().equals(spec.symbol())) {
            sub.trace = TraceSet.with(sub.trace, tap);
            matched++;
          }
        }
      }
    } else {
      for (Session session : gw.sessions) {
        if (spec.watches(session.id, session.userId())) {
          session.trace = TraceSet.with(session.trace, tap);
          matched++;
        }
      }
    }
    return matched;
  }

  /** Stops {@code traceId} on this instance; the tap (with its counts), or null when it was not active. */
  TraceTap stop(String traceId) {
    TraceTap tap = active.remove(traceId);
    if (tap == null) {
      return null;
    }
    if (tap.timer >= 0) {
      gw.vertx.cancelTimer(tap.timer);
      tap.timer = -1;
    }
    FeedTap.remove(tap);
    for (Session session : gw.sessions) {
      session.trace = TraceSet.without(session.trace, tap);
      for (Subscription sub : session.subscriptions.values()) {
        sub.trace = TraceSet.without(sub.trace, tap);
      }
    }
    return tap;
  }

  void stopAll() {
    for (String id : new ArrayList<>(active.keySet())) {
      stop(id);
    }
  }

  /** A connection opened or changed user: the connection and user traces that watch it now. */
  void attach(Session session) {
    if (active.isEmpty()) {
      return;
    }
    for (TraceTap tap : active.values()) {
      if (!tap.spec.bySymbol()) {
        session.trace = tap.spec.watches(session.id, session.userId())
            ? TraceSet.with(session.trace, tap) : TraceSet.without(session.trace, tap);
      }
    }
  }

  /** A new subscription: the symbol traces of its symbol watch it. */
  void attach(Subscription sub) {
    if (active.isEmpty()) {
      return;
    }
    for (TraceTap tap : active.values()) {
      if (tap.spec.bySymbol() && sub.key.symbol().equals(tap.spec.symbol())) {
        sub.trace = TraceSet.with(sub.trace, tap);
      }
    }
  }

  /** The ids of the traces active here. */
  List<String> ids() {
    return new ArrayList<>(active.keySet());
  }
}
