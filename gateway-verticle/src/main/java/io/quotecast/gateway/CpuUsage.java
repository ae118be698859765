package io.quotecast.gateway;

import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The process's CPU use as a percentage of the machine (all cores), over about the last second, from the JVM's CPU
 * time counter. Not {@code getProcessCpuLoad}: that measures since its previous call by anyone (the Prometheus binder
 * calls it too). The window is a second rather than one sampling interval because the counter advances in clock ticks
 * (10 ms on Linux), which makes a 100 ms sample of a lightly loaded process read 0 one time and double the next.
 */
final class CpuUsage {
  static final long WINDOW_MS = 1000;

  private final int processors;
  /** {@code {atMs, cpuNanos}}, oldest first; the oldest is the newest one at least a window old. */
  private final Deque<long[]> readings = new ArrayDeque<>();

  CpuUsage(int processors) {
    this.processors = Math.max(1, processors);
  }

  static CpuUsage ofProcess() {
    return new CpuUsage(Runtime.getRuntime().availableProcessors());
  }

  /** The percentage now, reading the process's CPU time; -1 on the first call or where the JVM does not tell. */
  double percent(long nowMs) {
    return percent(nowMs, processCpuNanos());
  }

  /** The percentage between the reading about a window ago and this one ({@code cpuNanos} < 0: unknown, -1). */
  double percent(long nowMs, long cpuNanos) {
    if (cpuNanos < 0) {
      return -1;
    }
    readings.addLast(new long[] {nowMs, cpuNanos});
    while (readings.size() > 2 && nth(1)[0] <= nowMs - WINDOW_MS) {
      readings.removeFirst();
    }
    long[] base = readings.peekFirst();
    if (readings.size() < 2 || nowMs <= base[0]) {
      return -1;
    }
    double share = (cpuNanos - base[1]) / ((nowMs - base[0]) * 1_000_000.0 * processors);
    return Math.min(100, Math.max(0, share * 100));
  }

  private long[] nth(int i) {
    var it = readings.iterator();
    for (int k = 0; k < i; k++) {
      it.next();
    }
    return it.next();
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }
}
