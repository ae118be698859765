package io.quotecast.quote;

import io.quotecast.common.Price;

/**
 * An upstream feed's frames into the engine: parse ({@link TickParser}), apply each tick ({@link QuoteEngine#apply}),
 * count what became of it ({@link FeedCounters}; per symbol in the engine's {@link QualityBook}). Pure,
 * single-threaded (the quote verticle's event loop).
 */
final class FeedIngest {
  private final QuoteEngine engine;
  private final QuoteEngine.Sink sink;
  private final FeedCounters counters;
  private final TickParser parser;

  FeedIngest(QuoteEngine engine, QuoteEngine.Sink sink, FeedCounters counters) {
    this.engine = engine;
    this.sink = sink;
    this.counters = counters;
    this.parser = new TickParser(engine::indexOf, counters, engine::rejected);
  }

  FeedCounters counters() {
    return counters;
  }

  /**
   * Handles one frame received at {@code now}. Returns how many well-formed messages it held (ticks of any symbol,
   * applied or not, and heartbeats): a non-zero count shows the feed is alive, so the source is not stale.
   */
  int onFrame(String frame, long now) {
    int[] valid = {0};
    parser.parse(frame, now, tick -> {
      valid[0]++;
      if (tick instanceof FeedTick.Heartbeat) {
        counters.countHeartbeat();
        return;
      }
      switch (engine.apply(tick, now, sink)) {
        case APPLIED -> counters.countApplied();
        case NOT_OWNED -> counters.countNotOwned();
        case OUTSIDE_LIMITS -> counters.reject(FeedCounters.Reason.OUT_OF_RANGE, describe(tick)
            + " outside the daily limits " + limits(tick));
        case CROSSED -> counters.reject(FeedCounters.Reason.OUT_OF_RANGE, describe(tick)
            + ": best bid not below best ask");
      }
    });
    return valid[0];
  }

  private String describe(FeedTick tick) {
    if (tick instanceof FeedTick.TradeTick t) {
      return symbol(t.index()) + " trade at " + Price.format(t.price());
    }
    return symbol(((FeedTick.BookTick) tick).index()) + " book";
  }

  private String limits(FeedTick tick) {
    int i = tick instanceof FeedTick.TradeTick t ? t.index() : ((FeedTick.BookTick) tick).index();
    SymbolState s = engine.simulator().state(i);
    return "[" + Price.format(s.limitDown()) + ", " + Price.format(s.limitUp()) + "]";
  }

  private String symbol(int index) {
    return engine.simulator().state(index).listing().symbol();
  }
}
