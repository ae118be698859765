package io.quotecast.sdk;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns one channel's incoming messages (live, replayed, snapshots, duplicates after a reconnect) into the updates a
 * listener sees: each seq of an epoch at most once and in order. Pure logic, no Vert.x; one instance per channel,
 * used from the client's event loop only.
 *
 * <p>Event channels ({@code trade}) must not lose anything: a seq jump parks later messages and asks for a
 * {@code resume}; they are delivered once the missing ones were replayed, or after the server said it cannot
 * ({@code notRecovered}, then a snapshot). State channels ({@code quote}, {@code kline}) may legitimately jump — the
 * server conflates them (freq, slow consumer) and the latest value replaces the earlier ones — so a jump there is
 * delivered as is.
 */
final class Sequencer {
  /** The caller's side: deliveries and discontinuities, in order. */
  interface Sink {
    void deliver(Update update);

    void reset(ChannelListener.Reset reason);
  }

  private final boolean events;
  private final int maxPending;
  private final TreeMap<Long, Update> pending = new TreeMap<>();
  private String epoch;
  private long lastSeq;
  private boolean started;
  private boolean resuming;
  /** The server said the missing ones are gone: the next jump is accepted, without another reset. */
  private boolean skipGap;

  Sequencer(boolean events, int maxPending) {
    this.events = events;
    this.maxPending = maxPending;
  }

  /** Whether channels of this key carry events (every message matters) rather than state. */
  static boolean isEventChannel(String channel) {
    return channel.startsWith("trade:");
  }

  /**
   * Offers one message ({@code update.epoch()} set only when the message said so in {@code meta}). Returns true when
   * the caller must send {@code resume} with {@link #since()} now (first message after a gap).
   */
  boolean offer(Update u, Sink sink) {
    if (u.epoch() != null && !u.epoch().equals(epoch)) {
      boolean had = epoch != null;
      epoch = u.epoch();
      // a new epoch restarts seq: whatever we held belongs to the old stream
      pending.clear();
      resuming = false;
      skipGap = false;
      started = true;
      lastSeq = u.seq() - 1;
      if (had) {
        sink.reset(ChannelListener.Reset.NEW_EPOCH);
      }
    } else if (!started) {
      // the first message ever (normally the snapshot): nothing to compare with
      started = true;
      lastSeq = u.seq() - 1;
    }
    if (u.seq() <= lastSeq) {
      return false;
    }
    if (u.seq() == lastSeq + 1 || !events || skipGap) {
      skipGap = false;
      emit(u, sink);
      drain(sink);
      return false;
    }
    pending.put(u.seq(), u);
    if (pending.size() > maxPending) {
      // the server is not filling the gap and memory must stay bounded: give the missing ones up, visibly
      sink.reset(ChannelListener.Reset.GAP);
      jump(sink);
      return false;
    }
    if (!resuming) {
      resuming = true;
      return true;
    }
    return false;
  }

  /** The server replayed what it had ({@code recovered}); a gap still open now cannot be filled. */
  void recovered(Sink sink) {
    resuming = false;
    if (!pending.isEmpty()) {
      sink.reset(ChannelListener.Reset.GAP);
      jump(sink);
    }
  }

  /** The server cannot replay ({@code notRecovered}); its fresh snapshot (or the parked messages) continue the stream. */
  void notRecovered(Sink sink) {
    resuming = false;
    sink.reset(ChannelListener.Reset.NOT_RECOVERED);
    if (pending.isEmpty()) {
      skipGap = true;
    } else {
      jump(sink);
    }
  }

  /** The connection is gone; the resubscription's {@code since} asks for the rest. */
  void connectionLost() {
    resuming = false;
  }

  /** {@code {seq, epoch}} of the last delivered message, or null before the first one (then a snapshot is wanted). */
  JsonObject since() {
    return started && epoch != null ? new JsonObject().put("seq", lastSeq).put("epoch", epoch) : null;
  }

  long lastSeq() {
    return lastSeq;
  }

  String epoch() {
    return epoch;
  }

  int pending() {
    return pending.size();
  }

  private void emit(Update u, Sink sink) {
    lastSeq = u.seq();
    sink.deliver(u.withEpoch(epoch));
  }

  private void drain(Sink sink) {
    while (!pending.isEmpty() && pending.firstKey() <= lastSeq + 1) {
      Map.Entry<Long, Update> e = pending.pollFirstEntry();
      if (e.getKey() > lastSeq) {
        emit(e.getValue(), sink);
      }
    }
  }

  private void jump(Sink sink) {
    while (!pending.isEmpty()) {
      Map.Entry<Long, Update> e = pending.pollFirstEntry();
      if (e.getKey() > lastSeq) {
        emit(e.getValue(), sink);
      }
    }
  }
}
