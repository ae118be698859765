package io.quotecast.gateway;

import io.quotecast.common.ChannelType;
import io.quotecast.common.Envelope;
import io.quotecast.common.Freq;
import io.quotecast.common.Publication;
import java.util.ArrayList;
import java.util.List;

/**
 * The subscribers of one channel at one freq (hot-path rule 3). Publications accumulate between ticks of the freq's
 * {@link FlushClock}; a tick encodes once and writes the same message to every member: for state channels the latest
 * value, for K-lines every closed bar and then the latest, for trades all trades of the period as one array.
 */
final class ConflationGroup {
  final ChannelFeed feed;
  final Freq freq;
  final ArrayList<Subscription> members = new ArrayList<>();
  private final FlushClock clock;

  private Publication pendingLatest;
  private final ArrayList<Publication> pendingClosedBars = new ArrayList<>();
  private final ArrayList<Publication> pendingTrades = new ArrayList<>();
  private int offered;
  private boolean dirty;

  ConflationGroup(ChannelFeed feed, Freq freq, FlushClock clock) {
    this.feed = feed;
    this.freq = freq;
    this.clock = clock;
  }

  void offer(Publication p) {
    if (feed.key.type() == ChannelType.TRADE) {
      if (!pendingTrades.isEmpty() && !pendingTrades.get(0).epoch().equals(p.epoch())) {
        flush(System.currentTimeMillis()); // never mix two epochs in one array
      }
      pendingTrades.add(p);
    } else {
      if (p.isClosedBar()) {
        pendingClosedBars.add(p);
      }
      pendingLatest = p;
    }
    offered++;
    if (!dirty) {
      dirty = true;
      clock.markDirty(this);
    }
  }

  /**
   * The stream restarted in a new epoch (failover): what is pending from the old epoch goes out now, then {@code p}
   * at once as a snapshot of the new epoch, to every member whatever its freq, so no one waits a period to learn it.
   */
  void restart(Publication p, long now) {
    if (dirty || !pendingTrades.isEmpty() || pendingLatest != null || !pendingClosedBars.isEmpty()) {
      flush(now);
    }
    OutboundMessage message = new OutboundMessage(Envelope.channelMessage(p, now, Envelope.snapshotMeta(p.epoch())));
    for (int i = 0; i < members.size(); i++) {
      Subscription sub = members.get(i);
      sub.session.deliver(sub, message, p.seq(), p.epoch(), now, false);
    }
  }

  boolean isEmpty() {
    return members.isEmpty();
  }

  /** Encodes what accumulated since the last tick and writes it to every member. */
  void flush(long now) {
    dirty = false;
    if (feed.key.type() == ChannelType.TRADE) {
      flushTrades(now);
    } else {
      flushState(now);
    }
    offered = 0;
  }

  private void flushState(long now) {
    Publication latest = pendingLatest;
    int messages = 0;
    for (int i = 0; i < pendingClosedBars.size(); i++) {
      deliverToAll(pendingClosedBars.get(i), now);
      messages++;
    }
    if (latest != null && !latest.isClosedBar()) {
      deliverToAll(latest, now);
      messages++;
    }
    int skipped = Math.max(0, offered - messages);
    if (skipped > 0) {
      for (int i = 0; i < members.size(); i++) {
        members.get(i).conflated += skipped;
      }
      feed.registry.counters.conflated.add((long) skipped * members.size());
    }
    pendingClosedBars.clear();
    pendingLatest = null;
  }

  private void deliverToAll(Publication p, long now) {
    OutboundMessage message = null;
    boolean droppable = !p.isClosedBar();
    for (int i = 0; i < members.size(); i++) {
      Subscription sub = members.get(i);
      if (sub.wants(p)) {
        if (message == null) {
          message = new OutboundMessage(Envelope.channelMessage(p, now, null));
        }
        sub.session.deliver(sub, message, p.seq(), p.epoch(), now, droppable);
      }
    }
  }

  private void flushTrades(long now) {
    if (pendingTrades.isEmpty()) {
      return;
    }
    OutboundMessage whole = null;
    for (int i = 0; i < members.size(); i++) {
      Subscription sub = members.get(i);
      if (sub.wants(pendingTrades.get(0))) {
        if (whole == null) {
          whole = tradeArray(pendingTrades, now);
        }
        Publication last = pendingTrades.get(pendingTrades.size() - 1);
        sub.session.deliver(sub, whole, last.seq(), last.epoch(), now, false);
      } else {
        deliverTradesAfter(sub, now); // joined mid-period: only what it has not seen
      }
    }
    pendingTrades.clear();
  }

  /** Delivers this group's pending trades that {@code sub} has not yet seen; used on join and when it leaves. */
  void deliverTradesAfter(Subscription sub, long now) {
    List<Publication> unseen = new ArrayList<>();
    for (Publication p : pendingTrades) {
      if (sub.wants(p)) {
        unseen.add(p);
      }
    }
    if (!unseen.isEmpty()) {
      Publication last = unseen.get(unseen.size() - 1);
      sub.session.deliver(sub, tradeArray(unseen, now), last.seq(), last.epoch(), now, false);
    }
  }

  /** When {@code sub} leaves for another freq: hand it what it would have received at the next tick. */
  void handOver(Subscription sub, long now) {
    if (feed.key.type() == ChannelType.TRADE) {
      deliverTradesAfter(sub, now);
      return;
    }
    for (Publication bar : pendingClosedBars) {
      if (sub.wants(bar)) {
        sub.session.deliver(sub, new OutboundMessage(Envelope.channelMessage(bar, now, null)), bar.seq(), bar.epoch(),
            now, false);
      }
    }
    if (pendingLatest != null && !pendingLatest.isClosedBar() && sub.wants(pendingLatest)) {
      sub.session.deliver(sub, new OutboundMessage(Envelope.channelMessage(pendingLatest, now, null)),
          pendingLatest.seq(), pendingLatest.epoch(), now, true);
    }
  }

  private static OutboundMessage tradeArray(List<Publication> trades, long now) {
    return tradeArray(trades, now, false);
  }

  /** Trades (one epoch, oldest first) as one message: data is their array, meta gives fromSeq and count. */
  static OutboundMessage tradeArray(List<Publication> trades, long now, boolean recovered) {
    int size = 2;
    for (Publication p : trades) {
      size += p.data().length() + 1;
    }
    StringBuilder data = new StringBuilder(size).append('[');
    for (int i = 0; i < trades.size(); i++) {
      if (i > 0) {
        data.append(',');
      }
      data.append(trades.get(i).data());
    }
    data.append(']');
    Publication first = trades.get(0);
    Publication last = trades.get(trades.size() - 1);
    String meta = "{" + (recovered ? "\"recovered\":true," : "") + "\"fromSeq\":" + first.seq() + ",\"count\":"
        + trades.size() + "}";
    return new OutboundMessage(Envelope.channelMessage(ChannelType.TRADE.wire(), last.channel(), last.seq(), now, meta,
        data.toString()));
  }
}
