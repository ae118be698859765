package io.quotecast.quote;

/**
 * One message of an upstream feed, checked and converted by {@link TickParser}: prices in fen, sizes in shares, times
 * epoch ms, symbols as listing indexes. See docs/UPSTREAM-FEED.md for the wire format.
 */
sealed interface FeedTick permits FeedTick.TradeTick, FeedTick.BookTick, FeedTick.Heartbeat {

  /** The feed's timestamp (or the arrival time when it sent none). */
  long time();

  /** A trade: {@code {"type":"trade",...}}. */
  record TradeTick(int index, long time, long price, long size, Side side) implements FeedTick {
  }

  /** The top of the book: {@code {"type":"book",...}}; a null side was not sent and keeps its levels. */
  record BookTick(int index, long time, Levels bids, Levels asks) implements FeedTick {
  }

  /** The feed is alive but has nothing to report: {@code {"type":"heartbeat"}}. */
  record Heartbeat(long time) implements FeedTick {
  }

  /** Up to {@link SymbolState#LEVELS} levels of one side, best first. */
  record Levels(long[] prices, long[] sizes, int count) {
  }
}
