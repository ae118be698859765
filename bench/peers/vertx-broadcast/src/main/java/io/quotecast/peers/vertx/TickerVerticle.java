package io.quotecast.peers.vertx;

import io.quotecast.peers.market.QuoteMarket;
import io.quotecast.peers.market.QuoteUpdate;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;

/** Runs the generator on its own event loop and hands each tick's encoded updates to every server instance. */
final class TickerVerticle extends VerticleBase {
  private final QuoteMarket market;
  private final long tickMs;
  private final List<FanoutVerticle> fanouts;

  TickerVerticle(QuoteMarket market, long tickMs, List<FanoutVerticle> fanouts) {
    this.market = market;
    this.tickMs = tickMs;
    this.fanouts = fanouts;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(tickMs, id -> {
      List<QuoteUpdate> updates = market.tick(System.currentTimeMillis());
      if (!updates.isEmpty()) {
        for (FanoutVerticle f : fanouts) {
          f.deliver(updates);
        }
      }
    });
    return Future.succeededFuture();
  }
}
