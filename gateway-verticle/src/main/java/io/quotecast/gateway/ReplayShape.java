package io.quotecast.gateway;

import io.quotecast.common.ChannelType;
import io.quotecast.common.Freq;
import io.quotecast.common.Publication;
import java.util.ArrayList;
import java.util.List;

/**
 * Shapes a recovery replay the way the subscription's freq shapes the live stream (PROTOCOL.md §6), so a client sees
 * one message shape per channel whether a message is live or recovered: realtime gets every publication; a conflated
 * trade subscription gets the missed trades as arrays (as its live messages are), a conflated K-line subscription
 * every closed bar and then the latest, a conflated state channel only the latest. Every message carries
 * {@code meta.recovered}. Pure logic: no Vert.x.
 */
final class ReplayShape {
  /** Trades per replayed array, so a long replay does not become one huge frame. */
  static final int MAX_TRADES_PER_MESSAGE = 200;

  /** One message to deliver, with the seq and epoch of the last publication it carries. */
  record Message(OutboundMessage message, long seq, String epoch) {
  }

  private ReplayShape() {
  }

  static List<Message> of(ChannelType type, Freq freq, List<Publication> missed, long now) {
    List<Message> out = new ArrayList<>();
    if (missed.isEmpty()) {
      return out;
    }
    if (freq.isRealtime()) {
      missed.forEach(p -> out.add(single(p, now)));
      return out;
    }
    switch (type) {
      case TRADE -> {
        for (int from = 0; from < missed.size(); from += MAX_TRADES_PER_MESSAGE) {
          out.add(tradeArray(missed.subList(from, Math.min(missed.size(), from + MAX_TRADES_PER_MESSAGE)), now));
        }
      }
      case KLINE -> {
        Publication last = missed.get(missed.size() - 1);
        for (Publication p : missed) {
          if (p.isClosedBar() && p != last) {
            out.add(single(p, now));
          }
        }
        out.add(single(last, now));
      }
      default -> out.add(single(missed.get(missed.size() - 1), now));
    }
    return out;
  }

  private static Message single(Publication p, long now) {
    return new Message(Recovery.message(p, now), p.seq(), p.epoch());
  }

  private static Message tradeArray(List<Publication> trades, long now) {
    Publication last = trades.get(trades.size() - 1);
    return new Message(ConflationGroup.tradeArray(trades, now, true), last.seq(), last.epoch());
  }
}
