package io.quotecast.quote;

/**
 * One message of an upstream feed, checked and converted by {@link TickParser}: prices in fen, sizes in shares, times
 * epoch ms, symbols as listing indexes. See docs/UPSTREAM-FEED.md for the wire format.
 */
sealed interface FeedTick permits FeedTick.TradeTick, FeedTick.BookTick, FeedTick.Heartbeat {

  /** The feed's timestamp (or the arrival time when it sent none). */
  long time();

  /** A trade: {@code {"type":"trade",...}}; {@code seq} the feed's per-symbol sequence number, 0 when it sent none. */
  record TradeTick(int index, long time, long price, long size, Side side, long seq) implements FeedTick {
    TradeTick(int index, long time, long price, long size, Side side) {
      this(index, time, price, size, side, 0);
    }
  }

  /** The top of the book: {@code {"type":"book",...}}; a null side was not sent and keeps its levels. */
  record BookTick(int index, long time, Levels bids, Levels asks, long seq) implements FeedTick {
    BookTick(int index, long time, Levels bids, Levels asks) {
      this(index, time, bids, asks, 0);
    }
  }

  /** The feed is alive but has nothing to report: {@code {"type":"heartbeat"}}. */
  record Heartbeat(long time) implements FeedTick {
  }

  /** Up to {@link SymbolState#LEVELS} levels of one side, best first. */
  record Levels(long[] prices, long[] sizes, int count) {
  }
}
