package io.quotecast.gateway;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.Envelope;
import io.quotecast.common.Freq;
import io.quotecast.common.GatewayCounters;
import io.quotecast.common.Publication;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One channel on one gateway instance: a single event-bus consumer however many connections subscribe (hot-path rule
 * 1–2). Each publication is encoded once for the realtime subscribers and handed to each freq's conflation group.
 * Everything here runs on the owning instance's event loop; no locks.
 */
final class ChannelFeed {
  final ChannelKey key;
  final FeedRegistry registry;
  final MessageConsumer<Publication> consumer;
  final ArrayList<Subscription> realtime = new ArrayList<>();
  final Map<Freq, ConflationGroup> groups = new EnumMap<>(Freq.class);
  /** Source-to-client latency of this channel's type (hot-path rule 7), recorded once per publication. */
  private final Timer latency;
  /** The newest publication seen (from the bus or the owner's snapshot); older or repeated ones are dropped. */
  Publication latest;
  /** The owner's answer while a fresh feed waits for it, shared by every subscriber joining meanwhile. */
  private Future<Publication> pendingSnapshot;
  /** The owner could not be asked for the state: the first publication goes out as a snapshot. */
  private boolean snapshotMissed;
  /** Subscribes in progress that hold this feed ({@link FeedRegistry#reserve}). */
  int reservations;
  /** Whether {@link GatewayCounters#consumers} counts this feed's consumer (set once it is registered). */
  boolean consumerCounted;
  private int size;
  /** Bus arrivals waiting while a gap is filled from the owner's history; null when none is being filled. */
  private List<Publication> held;
  private static final int MAX_HELD = 10_000;
  /** Longest a channel waits for the owner to fill a gap before it delivers the jump as it is. */
  static final long HOLD_MS = 500;

  ChannelFeed(ChannelKey key, FeedRegistry registry) {
    this.key = key;
    this.registry = registry;
    this.latency = registry.metrics.latency(key.type());
    this.consumer = registry.vertx.eventBus().consumer(key.address());
    this.consumer.handler(message -> receive(message.body()));
  }

  Future<Void> ready() {
    return consumer.completion();
  }

  int size() {
    return size;
  }

  /**
   * A publication from the bus. A seq jump within the epoch means the bus did not bring everything — typically the
   * first publications after a new feed registered, sent before the owner's node saw the registration: the missed
   * ones are asked from the owner's history and delivered first, while later arrivals wait in order. Only when the
   * owner no longer holds them does the jump reach clients (who then see it, and can resume).
   */
  void receive(Publication p) {
    FeedTap.received(this, p); // TRACE HOOK (issue 6, message tracing): one volatile read when no symbol is traced
    if (held != null) {
      if (held.size() < MAX_HELD) {
        held.add(p);
      } else {
        registry.counters.gapsUnfilled.increment(); // not reachable at real rates within HOLD_MS; never unbounded
      }
      return;
    }
    Publication prev = latest;
    if (prev != null && prev.epoch().equals(p.epoch()) && p.seq() > prev.seq() + 1) {
      List<Publication> waiting = new ArrayList<>();
      waiting.add(p);
      held = waiting;
      // The channel waits for the owner at most HOLD_MS; a late answer finds the fill over and is ignored.
      long timer = registry.vertx.setTimer(HOLD_MS, id -> endFill(waiting, null));
      registry.snapshots.missed(key, prev.seq(), prev.epoch()).onComplete(ar -> {
        registry.vertx.cancelTimer(timer);
        endFill(waiting, ar.succeeded() ? ar.result() : null);
      });
      return;
    }
    publish(p);
  }

  /** Ends the fill that {@code waiting} belongs to (once): the missed publications, then what arrived meanwhile. */
  private void endFill(List<Publication> waiting, List<Publication> missed) {
    if (held != waiting) {
      return;
    }
    held = null;
    if (missed != null) {
      registry.counters.gapsFilled.increment();
      missed.forEach(this::publish);
    } else {
      registry.counters.gapsUnfilled.increment();
    }
    // The publication that revealed the gap goes out now whatever the answer (asking again would loop).
    publish(waiting.get(0));
    waiting.subList(1, waiting.size()).forEach(this::receive);
  }

  void publish(Publication p) {
    Publication prev = latest;
    if (!advance(p)) {
      return;
    }
    registry.counters.publicationsIn.increment();
    long now = System.currentTimeMillis();
    // A new epoch (the symbol failed over to another quote node, which restarted its seq), the first publication
    // after the owner could not be asked for a snapshot, or a trade channel's first trade (the owner had no state to
    // snapshot): everyone gets it as a snapshot, so every stream names its epoch before a client needs it in since.
    boolean restart = prev == null ? snapshotMissed || !key.type().isState() : !prev.epoch().equals(p.epoch());
    snapshotMissed = false;
    if (!realtime.isEmpty()) {
      OutboundMessage message = new OutboundMessage(Envelope.channelMessage(p, now,
          restart ? Envelope.snapshotMeta(p.epoch()) : null));
      boolean droppable = !restart && key.type().isState() && !p.isClosedBar();
      for (int i = 0; i < realtime.size(); i++) {
        Subscription sub = realtime.get(i);
        sub.session.deliver(sub, message, p.seq(), p.epoch(), now, droppable);
      }
      // Once per publication, not per subscriber: when the last subscriber's write was issued. A clock behind the
      // source's (another machine) counts as 0 rather than disappearing from the count.
      latency.record(Math.max(0, System.currentTimeMillis() - p.sourceTime()), TimeUnit.MILLISECONDS);
    }
    if (!groups.isEmpty()) {
      for (ConflationGroup group : groups.values()) {
        if (restart) {
          group.restart(p, now);
        } else {
          group.offer(p);
        }
      }
    }
  }

  /**
   * The source came back after a failure: every subscriber of a state channel gets the current value again as a
   * snapshot (PROTOCOL.md §7: status up, then fresh snapshots). Trades have no state to resend.
   */
  void resnapshot(long now) {
    Publication p = latest;
    if (p == null || !key.type().isState()) {
      return;
    }
    if (!realtime.isEmpty()) {
      OutboundMessage message = new OutboundMessage(Envelope.channelMessage(p, now, Envelope.snapshotMeta(p.epoch())));
      for (int i = 0; i < realtime.size(); i++) {
        Subscription sub = realtime.get(i);
        sub.session.deliver(sub, message, p.seq(), p.epoch(), now, false);
      }
    }
    for (ConflationGroup group : groups.values()) {
      group.restart(p, now);
    }
  }

  /** Records {@code p} as the latest if it is newer; false for a duplicate or an older publication. */
  private boolean advance(Publication p) {
    Publication prev = latest;
    if (prev != null && prev.epoch().equals(p.epoch()) && p.seq() <= prev.seq()) {
      return false;
    }
    latest = p;
    return true;
  }

  /**
   * The current state as this feed's subscribers know it, for a joining subscriber: the latest publication the feed
   * received, so the joiner continues exactly where the others are. Only a feed that has received nothing yet asks
   * the symbol's owner; bus deliveries that the owner's answer already covers are then dropped — there is no one yet
   * to miss them — and an answer older than what the bus delivered meanwhile is ignored, so the feed never steps back.
   * (Advancing a busy feed to a newer owner value would make every existing subscriber skip the publications in
   * between.) Never fails: when the owner cannot be asked, the feed starts without a state and delivers its first
   * publication as a snapshot. Completes on this feed's event loop; callers then read {@link #latest}.
   */
  Future<Publication> snapshot() {
    if (latest != null) {
      return Future.succeededFuture(latest);
    }
    if (pendingSnapshot == null) {
      Future<Publication> asked = registry.snapshots.snapshot(key).transform(answer -> {
        pendingSnapshot = null;
        if (answer.succeeded()) {
          Publication p = answer.result();
          if (p != null && (latest == null || latest.epoch().equals(p.epoch()))) {
            advance(p);
          }
        } else if (latest == null) {
          snapshotMissed = true;
        }
        return Future.succeededFuture(latest);
      });
      // A source that answers at once has already run the transform (which cleared pendingSnapshot).
      if (!asked.isComplete()) {
        pendingSnapshot = asked;
      }
      return asked;
    }
    return pendingSnapshot;
  }

  /**
   * Adds a subscription: it gets the feed's current state (if asked and known), then every later publication. Call it
   * once {@link #snapshot()} has completed, so that a fresh feed knows its state.
   */
  void join(Subscription sub, boolean sendSnapshot, long now) {
    Publication snap = latest;
    if (snap != null) {
      if (sendSnapshot) {
        OutboundMessage message = new OutboundMessage(
            Envelope.channelMessage(snap, now, Envelope.snapshotMeta(snap.epoch())));
        sub.session.deliver(sub, message, snap.seq(), snap.epoch(), now, false);
      } else {
        sub.lastSeq = snap.seq();
        sub.epoch = snap.epoch();
      }
    }
    attach(sub);
    size++;
    registry.counters.subscriptions(key.type()).incrementAndGet();
  }

  void leave(Subscription sub) {
    detach(sub);
    size--;
    registry.counters.subscriptions(key.type()).decrementAndGet();
  }

  /** Moves a subscription to another freq without a gap: what its old group held for it is delivered first. */
  void changeFreq(Subscription sub, Freq freq, long now) {
    if (sub.freq == freq) {
      return;
    }
    if (sub.group != null) {
      sub.group.handOver(sub, now);
    }
    detach(sub);
    sub.freq = freq;
    attach(sub);
  }

  private void attach(Subscription sub) {
    if (sub.freq.isRealtime()) {
      sub.group = null;
      realtime.add(sub);
      return;
    }
    ConflationGroup group = groups.get(sub.freq);
    if (group == null) {
      group = new ConflationGroup(this, sub.freq, registry.clock);
      groups.put(sub.freq, group);
      registry.clock.groupAdded(sub.freq);
      registry.counters.conflationGroups.incrementAndGet();
    }
    sub.group = group;
    group.members.add(sub);
  }

  private void detach(Subscription sub) {
    ConflationGroup group = sub.group;
    if (group == null) {
      realtime.remove(sub);
      return;
    }
    group.members.remove(sub);
    sub.group = null;
    if (group.isEmpty()) {
      groups.remove(group.freq);
      registry.clock.groupRemoved(group.freq);
      registry.counters.conflationGroups.decrementAndGet();
    }
  }
}
