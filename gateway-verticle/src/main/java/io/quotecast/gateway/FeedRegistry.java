package io.quotecast.gateway;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.GatewayCounters;
import io.quotecast.common.NodeMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;

/**
 * The channel feeds of one gateway instance, reference-counted: a feed and its event-bus consumer exist exactly while
 * at least one subscription of this instance needs them, or a subscribe in progress has reserved it.
 */
final class FeedRegistry {
  final Vertx vertx;
  final GatewayCounters counters;
  final FlushClock clock;
  /** The node's meters; feeds record source-to-client latency into them. */
  final NodeMetrics metrics;
  /** Where a fresh feed takes its first state from (the symbol's owner; a fake in tests). */
  SnapshotSource snapshots;
  private final Map<String, ChannelFeed> feeds = new HashMap<>();

  FeedRegistry(Vertx vertx, GatewayCounters counters, SnapshotSource snapshots) {
    this.vertx = vertx;
    this.counters = counters;
    this.clock = new FlushClock(vertx);
    this.metrics = NodeMetrics.of(vertx);
    this.snapshots = snapshots;
  }

  /**
   * The feed of {@code key}, created (and its consumer registered) if needed, and reserved: it stays while the caller
   * waits for its consumer and its snapshot, even if every subscriber leaves meanwhile. The caller must
   * {@link #unreserve} it once done (after joining it, or not).
   */
  ChannelFeed reserve(ChannelKey key) {
    ChannelFeed feed = feeds.get(key.toString());
    if (feed == null) {
      feed = new ChannelFeed(key, this);
      feeds.put(key.toString(), feed);
      counters.feeds.incrementAndGet();
      ChannelFeed created = feed;
      feed.ready().onSuccess(v -> {
        if (feeds.get(key.toString()) == created && !created.consumerCounted) {
          created.consumerCounted = true;
          counters.consumers.incrementAndGet();
        }
      });
    }
    feed.reservations++;
    return feed;
  }

  /** Ends a {@link #reserve}; drops the feed if nothing subscribes to it any more. */
  void unreserve(ChannelFeed feed) {
    feed.reservations--;
    releaseIfUnused(feed.key);
  }

  ChannelFeed get(ChannelKey key) {
    return feeds.get(key.toString());
  }

  /** Drops the feed of {@code key} if nothing subscribes to it any more. */
  void releaseIfUnused(ChannelKey key) {
    ChannelFeed feed = feeds.get(key.toString());
    if (feed != null && feed.size() == 0 && feed.reservations == 0) {
      feeds.remove(key.toString());
      counters.feeds.decrementAndGet();
      feed.consumer.unregister();
      if (feed.consumerCounted) {
        feed.consumerCounted = false;
        counters.consumers.decrementAndGet();
      }
    }
  }

  /** Fresh snapshots to every subscriber of every state channel (after a source recovered). */
  void resnapshotAll(long now) {
    for (ChannelFeed feed : feeds.values()) {
      feed.resnapshot(now);
    }
  }

  int size() {
    return feeds.size();
  }

  void stop() {
    clock.stop();
  }
}
