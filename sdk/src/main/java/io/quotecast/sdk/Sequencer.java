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
  /** A subscribe reply already reported the restart (NEW_EPOCH): its notRecovered needs no second reset. */
  private boolean restartReported;

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
    if (u.epoch() != null && epoch == null && started && u.seq() > lastSeq) {
      // the stream began without naming its epoch (a trade channel joined before its first trade): this is it
      epoch = u.epoch();
    } else if (u.epoch() != null && !u.epoch().equals(epoch)) {
      boolean had = epoch != null || started;
      // a new epoch restarts seq: whatever we held belongs to the old stream
      restart(u.epoch(), u.seq() - 1);
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

  /**
   * One entry of a subscribe reply's {@code subscribed}: the position the server joins this connection at. Called
   * after the replayed messages (they precede the reply) and before {@link #recovered}/{@link #notRecovered}. When
   * the server is on another epoch than the one delivered so far, the stream restarted (a restarted single node, or
   * a failover while disconnected): that is reported as NEW_EPOCH now, and the snapshot that follows the reply (seq
   * {@code seq}) is the new stream's first update. Seq 0 without an epoch means the server has no publication of the
   * channel at all yet (a trade channel before its first trade): the next seq 1 starts a stream whose epoch is not
   * known until a message names it ({@link #learnEpoch}).
   */
  void subscribed(long seq, String serverEpoch, Sink sink) {
    restartReported = false;
    if (!started) {
      return; // the first subscription: its snapshot (or first live message) starts the stream
    }
    if (serverEpoch != null && !serverEpoch.equals(epoch)) {
      if (epoch == null && seq == lastSeq) {
        epoch = serverEpoch; // the unnamed stream we were following is this one, with nothing new since
        return;
      }
      if (epoch == null && seq > lastSeq) {
        return; // unnamed stream, server ahead: its snapshot names the epoch and the gap is resumed from there
      }
      // a known epoch replaced, or an unnamed stream that went backwards: the stream restarted
      restart(serverEpoch, Math.max(0, seq - 1));
    } else if (serverEpoch == null && seq == 0 && (epoch != null || lastSeq > 0)) {
      restart(null, 0);
    } else {
      return;
    }
    restartReported = true;
    sink.reset(ChannelListener.Reset.NEW_EPOCH);
  }

  /** The subscribe reply that called {@link #subscribed} has been handled completely. */
  void replyHandled() {
    restartReported = false;
  }

  /** The channel's epoch as the server has it ({@code list}), for a stream that began without naming it. */
  void learnEpoch(String serverEpoch) {
    if (started && epoch == null && serverEpoch != null) {
      epoch = serverEpoch;
    }
  }

  /** A stream is being delivered whose epoch no message named yet; {@link #since()} is null until it is learned. */
  boolean epochUnknown() {
    return started && epoch == null && lastSeq > 0;
  }

  /** The server replayed what it had ({@code recovered}); a gap still open now cannot be filled. */
  void recovered(Sink sink) {
    restartReported = false;
    resuming = false;
    if (!pending.isEmpty()) {
      sink.reset(ChannelListener.Reset.GAP);
      jump(sink);
    }
  }

  /** The server cannot replay ({@code notRecovered}); its fresh snapshot (or the parked messages) continue the stream. */
  void notRecovered(Sink sink) {
    resuming = false;
    if (restartReported) {
      restartReported = false; // the reply's new epoch explains it; the stream already restarted
      return;
    }
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

  private void restart(String newEpoch, long before) {
    epoch = newEpoch;
    pending.clear();
    resuming = false;
    skipGap = false;
    started = true;
    lastSeq = before;
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
