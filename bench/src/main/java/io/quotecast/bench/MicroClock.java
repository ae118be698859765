package io.quotecast.bench;

import java.time.Instant;

/**
 * Wall-clock microseconds anchored once to {@link Instant#now()} and advanced with {@link System#nanoTime()}: finer
 * than {@code currentTimeMillis} and immune to wall-clock steps during a run. Over a bench run (minutes) the drift
 * against the server's {@code currentTimeMillis} is far below the millisecond resolution of the timestamps it is
 * compared with.
 */
final class MicroClock {
  private final long anchorMicros;
  private final long anchorNanos;

  MicroClock() {
    Instant now = Instant.now();
    anchorNanos = System.nanoTime();
    anchorMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  long nowMicros() {
    return anchorMicros + (System.nanoTime() - anchorNanos) / 1_000;
  }
}
