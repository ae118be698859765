package io.quotecast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.ToLongFunction;

/**
 * Linux /proc samples: a process's CPU ticks, RSS and I/O syscalls, and the machine's CPU ticks. Null where /proc is
 * absent.
 */
final class ProcStats {
  /** USER_HZ; 100 on every mainstream Linux build. Override with -Dquotecast.bench.clkTck. */
  static final long CLK_TCK = Long.getLong("quotecast.bench.clkTck", 100);

  /**
   * {@code syscr}/{@code syscw} count read and write system calls (a socket write or writev is one); {@code wchar} the
   * bytes they wrote, so for a server it is the compressed bytes on the wire. -1 when /proc/PID/io is not readable
   * (another user's process).
   */
  record Sample(long nanos, long cpuTicks, long rssKb, int threads, long syscr, long syscw, long wchar) {
    double cpuSecondsSince(Sample earlier) {
      return (cpuTicks - earlier.cpuTicks) / (double) CLK_TCK;
    }

    /** Per second between the samples, or -1 when either lacks the I/O counters. */
    double perSecondSince(Sample earlier, ToLongFunction<Sample> counter) {
      double wall = (nanos - earlier.nanos) / 1e9;
      long a = counter.applyAsLong(earlier);
      long b = counter.applyAsLong(this);
      return wall <= 0 || a < 0 || b < 0 ? -1 : (b - a) / wall;
    }

    /** Percent of one core, averaged between the samples. */
    double cpuPercentSince(Sample earlier) {
      double wall = (nanos - earlier.nanos) / 1e9;
      return wall <= 0 ? 0 : 100.0 * cpuSecondsSince(earlier) / wall;
    }
  }

  record MachineSample(long busyTicks, long totalTicks) {
    double busyPercentSince(MachineSample earlier) {
      long total = totalTicks - earlier.totalTicks;
      return total <= 0 ? 0 : 100.0 * (busyTicks - earlier.busyTicks) / total;
    }
  }

  private ProcStats() {}

  /** @param pid a process id, or "self" */
  static Sample sample(String pid) {
    try {
      long now = System.nanoTime();
      String stat = Files.readString(Path.of("/proc", pid, "stat"));
      // fields after the command name "(...)": state is field 3; utime 14, stime 15
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      long rss = -1;
      int threads = -1;
      for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
        } else if (line.startsWith("Threads:")) {
          threads = Integer.parseInt(line.replaceAll("[^0-9]", ""));
        }
      }
      long syscr = -1;
      long syscw = -1;
      long wchar = -1;
      try {
        for (String line : Files.readAllLines(Path.of("/proc", pid, "io"))) {
          if (line.startsWith("syscr:")) {
            syscr = Long.parseLong(line.substring(6).trim());
          } else if (line.startsWith("syscw:")) {
            syscw = Long.parseLong(line.substring(6).trim());
          } else if (line.startsWith("wchar:")) {
            wchar = Long.parseLong(line.substring(6).trim());
          }
        }
      } catch (IOException | RuntimeException unreadable) {
        // needs the same user (or ptrace rights); the rest of the sample stands
      }
      return new Sample(now, ticks, rss, threads, syscr, syscw, wchar);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  static MachineSample machine() {
    try {
      String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = first.trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new MachineSample(total - idle, total);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
