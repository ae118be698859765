package io.quotecast.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * Counters and latency recorders shared by all connections. Everything here is safe to update from any event loop
 * without locks: {@link LongAdder}s and HdrHistogram {@link Recorder}s (wait-free writers). Windowed numbers are
 * deltas between two {@link Counters} snapshots and the recorders' interval histograms.
 */
final class BenchStats {
  /** Latencies are recorded in microseconds, clamped to this (1 hour). */
  static final long MAX_LATENCY_US = 3_600_000_000L;

  final Recorder sourceToClient = new Recorder(MAX_LATENCY_US, 3);
  final Recorder serverToClient = new Recorder(MAX_LATENCY_US, 3);
  final Recorder sourceToServer = new Recorder(MAX_LATENCY_US, 3);
  final Recorder handshake = new Recorder(MAX_LATENCY_US, 3);

  final LongAdder frames = new LongAdder();
  final LongAdder bytes = new LongAdder();
  final LongAdder batches = new LongAdder();
  /** Channel messages (live + snapshot). */
  final LongAdder channelMessages = new LongAdder();
  final LongAdder liveMessages = new LongAdder();
  final LongAdder snapshots = new LongAdder();
  final LongAdder recovered = new LongAdder();
  final LongAdder quotes = new LongAdder();
  final LongAdder trades = new LongAdder();
  final LongAdder klines = new LongAdder();
  /** Live messages whose seq jumped by more than one. */
  final LongAdder gaps = new LongAdder();
  /** Sum of the seq numbers skipped by those jumps. */
  final LongAdder missed = new LongAdder();
  /** Live messages whose seq was not greater than the last one seen (duplicate or reordered). */
  final LongAdder stale = new LongAdder();
  /** Of {@link #gaps}: the first live message after a snapshot jumped (snapshot/live hand-over lost messages). */
  final LongAdder gapsAfterSnapshot = new LongAdder();
  /** Of {@link #stale}: the first live message after a snapshot was not newer than the snapshot. */
  final LongAdder staleAfterSnapshot = new LongAdder();
  final LongAdder noSourceTime = new LongAdder();
  final LongAdder negativeLatency = new LongAdder();
  final LongAdder clampedLatency = new LongAdder();
  final LongAdder unknownChannel = new LongAdder();
  final LongAdder parseErrors = new LongAdder();
  final LongAdder welcomes = new LongAdder();
  final LongAdder results = new LongAdder();
  final LongAdder errors = new LongAdder();
  final LongAdder statuses = new LongAdder();
  final LongAdder notices = new LongAdder();
  final LongAdder otherTypes = new LongAdder();
  final LongAdder subscribed = new LongAdder();
  final LongAdder rejected = new LongAdder();
  final LongAdder freqChanged = new LongAdder();

  final LongAdder connected = new LongAdder();
  final LongAdder connectFailures = new LongAdder();
  final LongAdder open = new LongAdder();
  final LongAdder unexpectedCloses = new LongAdder();
  final LongAdder exceptions = new LongAdder();

  final Map<String, LongAdder> closeCodes = new ConcurrentHashMap<>();
  final Map<String, LongAdder> errorCodes = new ConcurrentHashMap<>();
  final Map<String, LongAdder> rejectCodes = new ConcurrentHashMap<>();
  final Map<String, LongAdder> connectErrors = new ConcurrentHashMap<>();
  final Map<String, LongAdder> exceptionMessages = new ConcurrentHashMap<>();
  final ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
  volatile String welcome;

  static void count(Map<String, LongAdder> m, String key) {
    if (m.size() > 200 && !m.containsKey(key)) {
      key = "(other)";
    }
    m.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  /** Keeps a few example messages (errors, notices) for the report. */
  void sample(String s) {
    if (samples.size() < 20) {
      samples.add(s.length() > 600 ? s.substring(0, 600) + "..." : s);
    }
  }

  static void record(Recorder r, long us, BenchStats s) {
    if (us < 0) {
      s.negativeLatency.increment();
      us = 0;
    } else if (us > MAX_LATENCY_US) {
      s.clampedLatency.increment();
      us = MAX_LATENCY_US;
    }
    r.recordValue(us);
  }

  Counters snapshot() {
    return new Counters(System.nanoTime(), frames.sum(), bytes.sum(), batches.sum(), channelMessages.sum(),
        liveMessages.sum(), snapshots.sum(), quotes.sum(), trades.sum(), klines.sum(), gaps.sum(), missed.sum(),
        stale.sum(), gapsAfterSnapshot.sum(), staleAfterSnapshot.sum(), errors.sum(), unexpectedCloses.sum(), exceptions.sum(), open.sum());
  }

  record Counters(long nanos, long frames, long bytes, long batches, long channelMessages, long live, long snapshots,
      long quotes, long trades, long klines, long gaps, long missed, long stale, long gapsAfterSnapshot,
      long staleAfterSnapshot, long errors, long closes,
      long exceptions, long open) {
    Counters minus(Counters o) {
      return new Counters(nanos - o.nanos, frames - o.frames, bytes - o.bytes, batches - o.batches,
          channelMessages - o.channelMessages, live - o.live, snapshots - o.snapshots, quotes - o.quotes,
          trades - o.trades, klines - o.klines, gaps - o.gaps, missed - o.missed, stale - o.stale,
          gapsAfterSnapshot - o.gapsAfterSnapshot, staleAfterSnapshot - o.staleAfterSnapshot,
          errors - o.errors, closes - o.closes, exceptions - o.exceptions, open);
    }

    double seconds() {
      return nanos / 1e9;
    }
  }
}
