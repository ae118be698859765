package io.quotecast.gateway;

import java.util.ArrayDeque;

/**
 * The state messages one connection holds back while its send queue is full: at most one latest message per
 * subscription (a newer one replaces it), so a reader that stalls costs the server one message per subscription
 * however long it stalls. When the queue drains they are written in the order their subscriptions first had to wait,
 * which is stable and fair: a subscription written on one drain goes behind the others if it must wait again.
 */
final class PendingLatest {
  /** Where the held messages go; implemented by the session over its transport. */
  interface Sink {
    /** True while the send queue is full: stop, the next drain continues. */
    boolean full();

    /** False for a subscription that ended meanwhile; its message is dropped. */
    boolean live(Subscription sub);

    void write(Subscription sub, OutboundMessage message, long seq, String epoch);
  }

  private final ArrayDeque<Subscription> waiting = new ArrayDeque<>();

  /** Subscriptions holding a message. */
  int size() {
    return waiting.size();
  }

  boolean isEmpty() {
    return waiting.isEmpty();
  }

  /** Holds {@code message} as the latest of {@code sub}, replacing what it held. */
  void hold(Subscription sub, OutboundMessage message, long seq, String epoch) {
    if (sub.hold(message, seq, epoch)) {
      waiting.add(sub);
    }
  }

  /** Writes held messages in order until the sink is full again or none is left. */
  void drain(Sink sink) {
    while (!waiting.isEmpty() && !sink.full()) {
      Subscription sub = waiting.poll();
      OutboundMessage message = sub.pending;
      long seq = sub.pendingSeq;
      String epoch = sub.pendingEpoch;
      sub.clearPending();
      if (message != null && sink.live(sub)) {
        sink.write(sub, message, seq, epoch);
      }
    }
  }

  void clear() {
    for (Subscription sub : waiting) {
      sub.clearPending();
    }
    waiting.clear();
  }
}
