package io.quotecast.quote;

import io.quotecast.common.Publication;
import io.quotecast.common.PublicationCodec;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Keeps the cluster's snapshot map ({@code SNAPSHOT_MAP}: channel -> latest publication in wire form) close behind
 * the channels this node produces, so that a node taking a bucket over after this one dies continues from at most one
 * flush period ago. Publishing only marks a channel changed (a set insert); {@link #flush} writes each changed
 * channel's latest publication once, however often it changed. Single-threaded (the verticle's event loop).
 */
final class SnapshotWriteBehind {
  /** Where snapshots go (the cluster map's put). */
  @FunctionalInterface
  interface Store {
    Future<Void> put(String channel, Buffer wire);
  }

  private final Store store;
  private final Predicate<ChannelState> producing;
  private final int parallel;
  private Set<ChannelState> changed = new HashSet<>();
  private Future<Void> flushing = Future.succeededFuture();
  private long puts;
  private long flushes;
  private long skipped;

  /**
   * @param producing whether this node still produces a channel: a flush skips the others, whose map entries belong
   *     to their new producer now
   */
  SnapshotWriteBehind(Store store, Predicate<ChannelState> producing, int parallel) {
    this.store = store;
    this.producing = producing;
    this.parallel = parallel;
  }

  void changed(ChannelState channel) {
    changed.add(channel);
  }

  /** Channels changed since they were last written. */
  int pending() {
    return changed.size();
  }

  /**
   * Writes every changed channel. When the previous flush still runs this one is skipped (its changes wait for the
   * next), which bounds the writes in flight to one flush's worth.
   */
  Future<Void> flush() {
    if (!flushing.isComplete()) {
      skipped++;
      return flushing;
    }
    if (changed.isEmpty()) {
      return flushing;
    }
    List<ChannelState> batch = new ArrayList<>(changed.size());
    for (ChannelState ch : changed) {
      if (producing.test(ch)) {
        batch.add(ch);
      }
    }
    changed = new HashSet<>();
    flushes++;
    flushing = write(batch).onFailure(e -> {
      // retry with the next flush rather than leave the map behind for good
      for (ChannelState ch : batch) {
        if (producing.test(ch)) {
          changed.add(ch);
        }
      }
    });
    return flushing;
  }

  /**
   * Writes the latest state of {@code channels} that changed since last written, after any running flush (so an older
   * value of the same channel cannot land last). For a bucket being handed over: call after its symbols stopped.
   */
  Future<Void> handOver(Collection<ChannelState> channels) {
    return flushing.transform(ignored -> {
      List<ChannelState> batch = new ArrayList<>();
      for (ChannelState ch : channels) {
        if (changed.remove(ch)) {
          batch.add(ch);
        }
      }
      return write(batch);
    });
  }

  /** Forgets pending changes of {@code channels} (a bucket lost to another node: its state is no longer ours). */
  void forget(Collection<ChannelState> channels) {
    changed.removeAll(channels);
  }

  long puts() {
    return puts;
  }

  long flushes() {
    return flushes;
  }

  long skipped() {
    return skipped;
  }

  private Future<Void> write(List<ChannelState> batch) {
    List<Supplier<Future<Void>>> calls = new ArrayList<>(batch.size());
    for (ChannelState ch : batch) {
      Publication p = ch.latest();
      if (p != null) {
        calls.add(() -> store.put(p.channel(), PublicationCodec.toBuffer(p)));
      }
    }
    puts += calls.size();
    return BoundedCalls.run(calls, parallel).mapEmpty();
  }
}
