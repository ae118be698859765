package io.quotecast.common;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Event-loop lag of the whole node: a probe on every event loop schedules itself every {@value #PERIOD_MS} ms and
 * records how late it ran ({@link MetricNames#EVENT_LOOP_LAG}). A loop busy with a long task — or blocked — runs its
 * probe late, so the lag is what a client message or publication queued on that loop waits at least. One loop being
 * stuck is the usual failure, so every loop is watched, not one. The probes run as plain Netty tasks on the loops
 * (microseconds each, ten per second per loop) and stop when Vert.x closes its event loops.
 */
public final class EventLoopLag {
  static final long PERIOD_MS = 100;
  private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(PERIOD_MS);
  /** {@link #maxMs()} covers the current and the previous window of this length. */
  private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final Duration[] BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5)};

  private final List<Probe> probes = new ArrayList<>();
  private final Timer histogram;

  EventLoopLag(Iterable<EventExecutor> loops, MeterRegistry registry) {
    this.histogram = Timer.builder(MetricNames.EVENT_LOOP_LAG)
        .description("How late a probe scheduled every 100 ms ran on the node's event loops")
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
    for (EventExecutor loop : loops) {
      probes.add(new Probe(loop));
    }
    Gauge.builder(MetricNames.EVENT_LOOP_LAG_MAX, this, lag -> lag.maxMs() / 1000.0)
        .description("Largest event-loop lag over the last 1-2 s, a loop stuck right now included")
        .baseUnit("seconds").strongReference(true).register(registry);
    Gauge.builder(MetricNames.EVENT_LOOPS, this, lag -> lag.loops())
        .description("Event loops the lag probe watches").strongReference(true).register(registry);
  }

  void start() {
    long now = System.nanoTime();
    probes.forEach(p -> p.schedule(now));
  }

  /** Event loops watched. */
  public int loops() {
    return probes.size();
  }

  /**
   * The largest lag of any loop over the last one to two seconds, in ms; a loop whose probe is overdue right now (a
   * loop stuck in a long task) counts with how overdue it is, so a blocked loop shows before it recovers.
   */
  public long maxMs() {
    long now = System.nanoTime();
    long max = 0;
    for (Probe p : probes) {
      max = Math.max(max, p.maxNanos(now));
    }
    return TimeUnit.NANOSECONDS.toMillis(max);
  }

  private final class Probe implements Runnable {
    private final EventExecutor loop;
    // Written by the loop's thread only, read by any (the monitor's): volatile, no locks.
    private volatile long dueAt;
    private volatile long windowStart;
    private volatile long windowMax;
    private volatile long previousMax;
    private volatile boolean stopped;

    Probe(EventExecutor loop) {
      this.loop = loop;
    }

    @Override
    public void run() {
      long now = System.nanoTime();
      long lag = Math.max(0, now - dueAt);
      histogram.record(lag, TimeUnit.NANOSECONDS);
      if (now - windowStart >= WINDOW_NANOS) {
        previousMax = windowMax;
        windowMax = lag;
        windowStart = now;
      } else if (lag > windowMax) {
        windowMax = lag;
      }
      schedule(now);
    }

    void schedule(long now) {
      dueAt = now + PERIOD_NANOS;
      try {
        loop.schedule(this, PERIOD_MS, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        stopped = true; // Vert.x is closing its loops
      }
    }

    long maxNanos(long now) {
      if (stopped || loop.isShuttingDown()) {
        return 0;
      }
      return Math.max(Math.max(windowMax, previousMax), now - dueAt);
    }
  }
}
