package io.quotecast.gateway;

import io.quotecast.common.Publication;
import java.util.Arrays;

/**
 * The publications channel feeds receive, shown to symbol traces: {@link ChannelFeed#receive} calls {@link #received}
 * (its one trace hook). Static so that the feed needs no field for it; each entry is bound to one gateway instance's
 * {@link FeedRegistry}, so instances (and nodes sharing a JVM in tests) never see each other's traces, and the tap
 * runs on the feed's own event loop. Untraced, a publication costs one volatile read of an empty array; while a symbol
 * is traced, other symbols cost a string comparison per active entry.
 */
final class FeedTap {
  private record Entry(FeedRegistry registry, String symbol, TraceTap tap) {
  }

  private static volatile Entry[] active = new Entry[0];

  private FeedTap() {}

  static void received(ChannelFeed feed, Publication p) {
    Entry[] entries = active;
    if (entries.length == 0) {
      return;
    }
    for (Entry e : entries) {
      if (e.registry == feed.registry && e.symbol.equals(feed.key.symbol())) {
        e.tap.received(p, System.currentTimeMillis());
      }
    }
  }

  static synchronized void add(FeedRegistry registry, String symbol, TraceTap tap) {
    Entry[] more = Arrays.copyOf(active, active.length + 1);
    more[active.length] = new Entry(registry, symbol, tap);
    active = more;
  }

  static synchronized void remove(TraceTap tap) {
    active = Arrays.stream(active).filter(e -> e.tap != tap).toArray(Entry[]::new);
  }
}
