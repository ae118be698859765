package io.quotecast.quote;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.Publication;
import java.util.ArrayList;
import java.util.List;

/**
 * One channel's stream: {@code seq} (+1 per publication, the first is 1), the epoch, the latest publication and a
 * bounded history ring (oldest dropped first; storage grows on demand up to the bound). Not thread-safe: owned by the
 * quote verticle's event loop.
 */
public final class ChannelState {
  private final ChannelKey key;
  private final String channel;
  private String epoch;
  private final int historySize;
  private Publication[] ring = new Publication[0];
  private int start;
  private int count;
  private long seq;
  private Publication latest;

  public ChannelState(ChannelKey key, String epoch, int historySize) {
    this.key = key;
    this.channel = key.toString();
    this.epoch = epoch;
    this.historySize = Math.max(0, historySize);
  }

  /** Stamps the next seq on {@code data} and records it as latest and in history. */
  public Publication publish(String data, long sourceTime) {
    Publication p = new Publication(channel, ++seq, epoch, sourceTime, data);
    latest = p;
    if (historySize > 0) {
      if (count < ring.length) {
        ring[(start + count++) % ring.length] = p;
      } else if (ring.length < historySize) {
        Publication[] bigger = new Publication[Math.min(historySize, Math.max(4, ring.length * 2))];
        for (int k = 0; k < count; k++) {
          bigger[k] = ring[(start + k) % ring.length];
        }
        ring = bigger;
        start = 0;
        ring[count++] = p;
      } else {
        ring[start] = p;
        start = (start + 1) % ring.length;
      }
    }
    return p;
  }

  /**
   * Starts a new stream under {@code epoch}: the next publication gets seq 1 and the history is emptied, so a replay
   * request naming the old epoch is answered "not recovered" (the client takes a snapshot). Used when this node takes
   * the channel over from another producer.
   */
  public void restart(String epoch) {
    this.epoch = epoch;
    this.seq = 0;
    this.latest = null;
    this.ring = new Publication[0];
    this.start = 0;
    this.count = 0;
  }

  public ChannelKey key() {
    return key;
  }

  public String epoch() {
    return epoch;
  }

  /** The seq of the latest publication, 0 before the first. */
  public long seq() {
    return seq;
  }

  /** The latest publication, or null before the first. */
  public Publication latest() {
    return latest;
  }

  public int historySize() {
    return historySize;
  }

  /** The last {@code limit} publications of the history, oldest first. */
  public List<Publication> history(int limit) {
    int n = Math.max(0, Math.min(limit, count));
    List<Publication> out = new ArrayList<>(n);
    for (int k = count - n; k < count; k++) {
      out.add(ring[(start + k) % ring.length]);
    }
    return out;
  }

  /**
   * Publications after {@code afterSeq}, oldest first, when the history still holds all of them; null when some were
   * already dropped (the caller needs a fresh snapshot). Empty when nothing was missed.
   */
  public List<Publication> since(long afterSeq) {
    if (afterSeq >= seq) {
      return List.of();
    }
    long missed = seq - afterSeq;
    if (afterSeq < 0 || missed > count) {
      return null;
    }
    return history((int) missed);
  }
}
