package io.quotecast.gateway;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.Freq;
import io.quotecast.common.Publication;
import io.vertx.core.json.JsonObject;

/** One connection's subscription to one channel, with the per-subscription figures {@code list} reports. */
final class Subscription {
  final Session session;
  final ChannelKey key;
  final long subscribedAt;
  Freq freq;
  /** The conflation group delivering to this subscription; null when realtime. */
  ConflationGroup group;

  /** Seq and epoch of the last message delivered (or of the snapshot). */
  long lastSeq;
  String epoch;
  long sent;
  long conflated;
  long lastSentAt;
  long ackedSeq = -1;
  /** The epoch the ack was for: a lag across a stream restart means nothing. */
  String ackedEpoch;
  long ackedAt;
  /**
   * The latest state message held back while the connection's send queue is full (null when none): each newer one
   * replaces it, so a slow reader costs one message per subscription however long it stalls. Written on drain.
   */
  OutboundMessage pending;
  long pendingSeq;
  String pendingEpoch;
  /** The symbol traces watching this subscription, null when none: the one check an untraced message pays here. */
  TraceSet trace;

  Subscription(Session session, ChannelKey key, Freq freq, long subscribedAt) {
    this.session = session;
    this.key = key;
    this.freq = freq;
    this.subscribedAt = subscribedAt;
  }

  /** Whether {@code p} is newer than what this subscription already has. */
  boolean wants(Publication p) {
    return epoch == null || !epoch.equals(p.epoch()) || p.seq() > lastSeq;
  }

  void delivered(long seq, String epoch, long now) {
    this.lastSeq = seq;
    this.epoch = epoch;
    this.sent++;
    this.lastSentAt = now;
  }

  /** Holds {@code message} as this subscription's latest; true when it is the first one held (none was pending). */
  boolean hold(OutboundMessage message, long seq, String epoch) {
    boolean first = pending == null;
    pending = message;
    pendingSeq = seq;
    pendingEpoch = epoch;
    return first;
  }

  /** Forgets the held message (delivered, superseded by a newer message, or the subscription ended). */
  void clearPending() {
    pending = null;
    pendingEpoch = null;
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("ch", key.toString()).put("freq", freq.wire()).put("subscribedAt", subscribedAt)
        .put("seq", lastSeq).put("epoch", epoch).put("sent", sent).put("conflated", conflated)
        .put("lastSentAt", lastSentAt == 0 ? null : lastSentAt);
    if (ackedSeq >= 0) {
      json.put("acked", ackedSeq).put("ackedAt", ackedAt);
      Long lag = ackLag();
      if (lag != null) {
        json.put("ackLag", lag);
      }
    }
    return json;
  }

  /** Messages delivered but not yet acknowledged: null before any ack, or when the stream restarted since. */
  Long ackLag() {
    if (ackedSeq < 0 || ackedEpoch == null || !ackedEpoch.equals(epoch)) {
      return null;
    }
    return Math.max(0, lastSeq - ackedSeq);
  }

  void acked(long seq, long now) {
    ackedSeq = seq;
    ackedEpoch = epoch;
    ackedAt = now;
  }
}
