package io.quotecast.peers.vertx;

import io.quotecast.peers.market.Listing;
import io.quotecast.peers.market.ListingFile;
import io.quotecast.peers.market.QuoteMarket;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The bare Vert.x broadcast peer of the benchmark ("the ceiling of our stack"): one ticker makes quote updates at the
 * configured rate, encodes each once, and every server instance writes it to its own subscribers of that symbol. No
 * auth, no conflation, no flow control, no recovery, no snapshot: see bench/peers/README.md.
 */
public final class BroadcastServer {
  private BroadcastServer() {}

  public static void main(String[] args) throws Exception {
    PeerOptions o;
    try {
      o = PeerOptions.parse(args);
    } catch (IllegalArgumentException e) {
      if (!e.getMessage().isEmpty()) {
        System.err.println("error: " + e.getMessage());
      }
      System.err.println(PeerOptions.USAGE);
      System.exit(2);
      return;
    }
    List<Listing> listings = ListingFile.read(o.listings);
    QuoteMarket market = new QuoteMarket(listings, o.updatesPerSecond, o.tickMs, o.skew, o.seed);
    Vertx vertx = Vertx.vertx();
    List<FanoutVerticle> fanouts = new CopyOnWriteArrayList<>();
    vertx.deployVerticle(() -> {
      FanoutVerticle f = new FanoutVerticle(o.port, market, listings.size(), o.coalesceFlushes);
      fanouts.add(f);
      return f;
    }, new DeploymentOptions().setInstances(o.instances))
        .compose(id -> vertx.deployVerticle(new TickerVerticle(market, o.tickMs, fanouts)))
        .onSuccess(id -> System.out.printf("peer vertx-broadcast: ws://0.0.0.0:%d/ws, %d instances, %d symbols, "
                + "%.0f updates/s, skew %s, tick %d ms, coalesced flushes %s%n", o.port, o.instances, listings.size(),
            o.updatesPerSecond, o.skew, o.tickMs, o.coalesceFlushes))
        .onFailure(t -> {
          System.err.println("failed to start: " + t);
          System.exit(1);
        });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await()));
  }
}
