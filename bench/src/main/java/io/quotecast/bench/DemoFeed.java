package io.quotecast.bench;

import io.quotecast.common.Listing;
import io.quotecast.common.ListingLoader;
import io.quotecast.common.Price;
import io.quotecast.quote.MarketSimulator;
import io.quotecast.quote.SessionClock;
import io.quotecast.quote.SimulatorMode;
import io.quotecast.quote.SymbolState;
import io.quotecast.quote.Trade;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in vendor feed, to try {@code source.kind: feed} on one machine: serves the tick format of
 * docs/UPSTREAM-FEED.md over WebSocket (any path), driven by Quotecast's market simulator on the shipped listings —
 * a 5-level book per update and the trades. Every {@value #PERIOD_MS} ms each client gets one frame, a JSON array of
 * the period's ticks; a heartbeat goes out every second. Frames clients send (the subscribe message) are printed.
 * Runs on the application jar's classpath:
 * <pre>
 *   java -cp app/target/quotecast.jar:bench/target/quotecast-bench.jar io.quotecast.bench.DemoFeed [port] [updates/s]
 * </pre>
 */
public final class DemoFeed {
  private static final long PERIOD_MS = 50;

  private DemoFeed() {}

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 7070;
    double perSecond = args.length > 1 ? Double.parseDouble(args[1]) : 500;
    List<Listing> listings = ListingLoader.loadShipped();
    MarketSimulator market = new MarketSimulator(listings, new SessionClock(SimulatorMode.CONTINUOUS), 1.0,
        System.nanoTime(), System.currentTimeMillis());
    List<ServerWebSocket> clients = new CopyOnWriteArrayList<>();
    Vertx vertx = Vertx.vertx();
    double[] carry = {0};
    vertx.createHttpServer().webSocketHandler(ws -> {
      System.out.println("client connected from " + ws.remoteAddress() + " auth="
          + (ws.headers().contains("Authorization") ? "yes" : "no"));
      clients.add(ws);
      ws.textMessageHandler(text -> System.out.println("client sent " + text));
      ws.closeHandler(v -> clients.remove(ws));
    }).listen(port).onSuccess(server -> System.out.println("demo feed on ws://127.0.0.1:" + server.actualPort()
        + "/ticks (" + listings.size() + " symbols, " + perSecond + " updates/s)")).onFailure(err -> {
          System.err.println("cannot listen on " + port + ": " + err.getMessage());
          vertx.close();
        });
    vertx.setPeriodic(PERIOD_MS, id -> {
      long now = System.currentTimeMillis();
      carry[0] += perSecond * PERIOD_MS / 1000.0;
      int n = (int) carry[0];
      carry[0] -= n;
      if (n == 0 || clients.isEmpty()) {
        return;
      }
      StringBuilder frame = new StringBuilder(n * 300).append('[');
      for (int u = 0; u < n; u++) {
        int i = market.pick();
        Trade trade = market.update(i, now);
        SymbolState s = market.state(i);
        if (u > 0) {
          frame.append(',');
        }
        if (trade != null) { // the trade, then the book it left
          frame.append("{\"type\":\"trade\",\"symbol\":\"").append(s.listing().symbol()).append("\",\"ts\":")
              .append(now).append(",\"price\":\"").append(Price.format(trade.price())).append("\",\"size\":")
              .append(trade.volume()).append(",\"side\":\"").append(side(trade)).append("\"},");
        }
        book(frame, s, now);
      }
      String text = frame.append(']').toString();
      clients.forEach(ws -> ws.writeTextMessage(text));
    });
    vertx.setPeriodic(1000, id -> clients.forEach(ws ->
        ws.writeTextMessage("{\"type\":\"heartbeat\",\"ts\":" + System.currentTimeMillis() + "}")));
  }

  private static void book(StringBuilder sb, SymbolState s, long now) {
    sb.append("{\"type\":\"book\",\"symbol\":\"").append(s.listing().symbol()).append("\",\"ts\":").append(now)
        .append(",\"bids\":[");
    for (int k = 0; k < s.bidLevels(); k++) {
      level(sb, k, s.bidPrice(k), s.bidSize(k));
    }
    sb.append("],\"asks\":[");
    for (int k = 0; k < s.askLevels(); k++) {
      level(sb, k, s.askPrice(k), s.askSize(k));
    }
    sb.append("]}");
  }

  private static void level(StringBuilder sb, int k, long price, long size) {
    sb.append(k == 0 ? "" : ",").append("[\"").append(Price.format(price)).append("\",").append(size).append(']');
  }

  private static String side(Trade t) {
    return switch (t.side()) {
      case BUY -> "B";
      case SELL -> "S";
      case NEUTRAL -> "N";
    };
  }
}
