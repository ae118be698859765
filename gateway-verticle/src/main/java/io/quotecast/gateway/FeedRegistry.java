package io.quotecast.gateway;

import io.quotecast.common.Addresses;
import io.quotecast.common.ChannelKey;
import io.quotecast.common.GatewayCounters;
import io.quotecast.common.Publication;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import java.util.HashMap;
import java.util.Map;

/**
 * The channel feeds of one gateway instance, reference-counted: a feed and its event-bus consumer exist exactly while
 * at least one subscription of this instance needs them.
 */
final class FeedRegistry {
  final Vertx vertx;
  final GatewayCounters counters;
  final FlushClock clock;
  final LocalMap<String, Publication> snapshots;
  private final Map<String, ChannelFeed> feeds = new HashMap<>();

  FeedRegistry(Vertx vertx, GatewayCounters counters) {
    this.vertx = vertx;
    this.counters = counters;
    this.clock = new FlushClock(vertx);
    this.snapshots = vertx.sharedData().getLocalMap(Addresses.SNAPSHOT_MAP);
  }

  /** The feed of {@code key}, created (and its consumer registered) if needed; completes when it receives. */
  Future<ChannelFeed> acquire(ChannelKey key) {
    ChannelFeed feed = feeds.get(key.toString());
    if (feed == null) {
      feed = new ChannelFeed(key, this);
      feeds.put(key.toString(), feed);
      counters.feeds.incrementAndGet();
      ChannelFeed created = feed;
      return feed.ready().map(v -> {
        if (feeds.get(key.toString()) == created && !created.consumerCounted) {
          created.consumerCounted = true;
          counters.consumers.incrementAndGet();
        }
        return created;
      });
    }
    ChannelFeed existing = feed;
    return feed.ready().map(v -> existing);
  }

  ChannelFeed get(ChannelKey key) {
    return feeds.get(key.toString());
  }

  /** Drops the feed of {@code key} if nothing subscribes to it any more. */
  void releaseIfUnused(ChannelKey key) {
    ChannelFeed feed = feeds.get(key.toString());
    if (feed != null && feed.size() == 0) {
      feeds.remove(key.toString());
      counters.feeds.decrementAndGet();
      feed.consumer.unregister();
      if (feed.consumerCounted) {
        feed.consumerCounted = false;
        counters.consumers.decrementAndGet();
      }
    }
  }

  int size() {
    return feeds.size();
  }

  void stop() {
    clock.stop();
  }
}
