package io.quotecast.gateway;

import io.quotecast.common.Freq;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Map;

/**
 * One timer per freq per gateway instance (not one per channel): each tick flushes the conflation groups of that freq
 * that received something since the last tick. A timer runs only while groups of its freq exist.
 */
final class FlushClock {
  private final Vertx vertx;
  private final Map<Freq, ArrayList<ConflationGroup>> dirty = new EnumMap<>(Freq.class);
  private final Map<Freq, Integer> groups = new EnumMap<>(Freq.class);
  private final Map<Freq, Long> timers = new EnumMap<>(Freq.class);

  FlushClock(Vertx vertx) {
    this.vertx = vertx;
  }

  void groupAdded(Freq freq) {
    int n = groups.merge(freq, 1, Integer::sum);
    if (n == 1) {
      timers.put(freq, vertx.setPeriodic(freq.periodMs(), id -> tick(freq)));
    }
  }

  void groupRemoved(Freq freq) {
    int n = groups.merge(freq, -1, Integer::sum);
    if (n <= 0) {
      groups.remove(freq);
      Long timer = timers.remove(freq);
      if (timer != null) {
        vertx.cancelTimer(timer);
      }
    }
  }

  void markDirty(ConflationGroup group) {
    dirty.computeIfAbsent(group.freq, f -> new ArrayList<>()).add(group);
  }

  private void tick(Freq freq) {
    ArrayList<ConflationGroup> due = dirty.get(freq);
    if (due == null || due.isEmpty()) {
      return;
    }
    dirty.put(freq, new ArrayList<>(due.size()));
    long now = System.currentTimeMillis();
    for (ConflationGroup group : due) {
      group.flush(now);
    }
  }

  void stop() {
    timers.values().forEach(vertx::cancelTimer);
    timers.clear();
  }
}
