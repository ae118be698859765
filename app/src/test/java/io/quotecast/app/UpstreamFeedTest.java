package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole service on an upstream feed ({@code source.kind: feed}, docs/UPSTREAM-FEED.md) instead of the simulator:
 * a fake vendor feed's ticks reach WebSocket clients and REST with their exact prices; a dropped, stalled or
 * restarted feed is reported with {@code status} (down with reconnect attempts in backoff, degraded) and recovered
 * ({@code up}, then fresh snapshots) as the simulator's faults are.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UpstreamFeedTest {
  static final String SYMBOL = "600519.SH"; // previous close 1720.00 in the shipped listings
  static final String QUOTE = "quote:" + SYMBOL;
  static final String TRADE = "trade:" + SYMBOL;
  static final String KLINE = "kline:1m:" + SYMBOL;
  static final String TOKEN = "vendor-key-123";
  static Vertx feedVertx;
  static FakeUpstreamFeed feed;
  static int feedPort;
  static QuotecastServer server;
  /** A fresh price for every tick the tests send, so each assertion finds its own tick. */
  static long cents = 172_000;

  @BeforeAll
  static void start() {
    feedVertx = Vertx.vertx();
    feed = FakeUpstreamFeed.start(feedVertx, 0);
    feedPort = feed.port();
    server = QuotecastServer.start(config -> {
      TestTokens.configure(config, true, false);
      config.getJsonObject("source").put("kind", "feed").put("staleMs", 600).getJsonObject("feed")
          .put("url", feed.url()).put("token", TOKEN).put("pingMs", 1000);
      config.getJsonObject("tiers").getJsonObject("free").put("minFreq", "realtime");
    });
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (feed != null) {
      feed.close();
    }
    if (feedVertx != null) {
      QuotecastServer.await(feedVertx.close(), 20);
    }
  }

  /** Every test starts with a healthy feed that Quotecast is connected to. */
  @BeforeEach
  void feedIsUp() {
    feed.refuse(false);
    feed.stall(false);
    assertTrue(QuotecastServer.poll(() -> server.getMonitor("/health/ready").statusCode() == 200, 20_000),
        "connected to the feed (ready)");
  }

  static String nextPrice() {
    cents += 7;
    return new BigDecimal(cents).movePointLeft(2).toPlainString();
  }

  static String trade(String symbol, String price, long size, String side) {
    return "{\"type\":\"trade\",\"symbol\":\"" + symbol + "\",\"ts\":" + System.currentTimeMillis() + ",\"price\":\""
        + price + "\",\"size\":" + size + ",\"side\":\"" + side + "\"}";
  }

  static boolean isStatus(JsonObject m, String state) {
    return "status".equals(m.getString("type")) && state.equals(m.getJsonObject("data").getString("state"));
  }

  static BigDecimal decimal(Object number) {
    return new BigDecimal(String.valueOf(number));
  }

  static WsClient subscribed(String... channels) {
    WsClient c = WsClient.open(server.vertx, server.port, "/ws");
    JsonArray sources = c.welcome().getJsonObject("data").getJsonArray("sources");
    assertEquals("feed", sources.getJsonObject(0).getString("source"), sources::encode);
    c.ok("subscribe", WsClient.args("channels", List.of(channels)));
    return c;
  }

  /** Sends a trade and waits for it on {@code c}'s trade channel; returns its index in the client's messages. */
  static int tradeArrives(WsClient c, String price) {
    int sent = c.size();
    feed.send(trade(SYMBOL, price, 100, "S"));
    JsonObject m = c.waitFor(x -> TRADE.equals(x.getString("ch")) && c.indexOf(x) >= sent
        && decimal(x.getJsonObject("data").getValue("price")).compareTo(new BigDecimal(price)) == 0, 5000);
    return c.indexOf(m);
  }

  @Test
  void ticksReachClientsWithTheirExactPrices() {
    try (WsClient c = subscribed(QUOTE, TRADE, KLINE, "quote:002202.SZ")) {
      String price = "1725.50";
      String bids = "[[\"1725.49\",300],[\"1725.48\",1200],[\"1725.45\",500],[\"1725.40\",800],[\"1725.38\",100]]";
      String asks = "[[1725.50,200],[1725.52,900],[1725.55,400],[\"1725.60\",700],[\"1725.66\",300]]";
      // garbage and unknown symbols around the good ticks are counted and skipped; the connection stays
      feed.send("this is not json");
      feed.send(trade("600520.SH", "10.00", 100, "B"));
      feed.send(trade(SYMBOL, "1725.555", 100, "B"));
      feed.send("[{\"type\":\"book\",\"symbol\":\"600519.SH\",\"bids\":" + bids + ",\"asks\":" + asks + "},"
          + trade(SYMBOL, price, 300, "B") + "," + trade("002202.SZ", "10.05", 1200, "N") + "]");

      // A channel's first trade comes as its snapshot (it names the epoch), so match the trade, not the meta.
      JsonObject t = c.waitFor(m -> TRADE.equals(m.getString("ch"))
          && decimal(m.getJsonObject("data").getValue("price")).compareTo(new BigDecimal(price)) == 0, 5000)
          .getJsonObject("data");
      assertEquals(0, decimal(t.getValue("price")).compareTo(new BigDecimal(price)), t::encode);
      assertEquals(300, t.getLong("volume"));
      assertEquals("buy", t.getString("side"));
      assertEquals(0, decimal(t.getValue("amount")).compareTo(new BigDecimal(price).multiply(BigDecimal.valueOf(300))),
          t::encode);

      JsonObject q = c.waitFor(m -> QUOTE.equals(m.getString("ch")) && !WsClient.isSnapshot(m)
          && decimal(m.getJsonObject("data").getValue("last")).compareTo(new BigDecimal(price)) == 0, 5000)
          .getJsonObject("data");
      QuoteAssert.valid(q);
      assertEquals(new JsonArray("[[1725.49,300],[1725.48,1200],[1725.45,500],[1725.40,800],[1725.38,100]]"),
          q.getJsonArray("bids"));
      assertEquals(new JsonArray("[[1725.50,200],[1725.52,900],[1725.55,400],[1725.60,700],[1725.66,300]]"),
          q.getJsonArray("asks"));

      JsonObject bar = c.waitFor(m -> KLINE.equals(m.getString("ch")) && !WsClient.isSnapshot(m), 5000)
          .getJsonObject("data");
      assertEquals(0, decimal(bar.getValue("close")).compareTo(new BigDecimal(price)), bar::encode);

      // 10.05 has no exact binary form: it must arrive as 10.05 (a double on the way gives 10.049999...)
      JsonObject cheap = c.waitFor(m -> "quote:002202.SZ".equals(m.getString("ch")) && !WsClient.isSnapshot(m), 5000)
          .getJsonObject("data");
      assertEquals("10.05", String.valueOf(cheap.getValue("last")));

      JsonArray trades = new JsonObject(server.get("/api/v1/trades/" + SYMBOL + "?limit=1").bodyAsString())
          .getJsonArray("trades");
      assertEquals(0, decimal(trades.getJsonObject(0).getValue("price")).compareTo(new BigDecimal(price)),
          trades::encode);
      assertEquals(1, feed.connections(), "one connection, never dropped for bad input");
      assertTrue(c.messages().stream().noneMatch(m -> TRADE.equals(m.getString("ch"))
          && "1725.56".equals(String.valueOf(m.getJsonObject("data").getValue("price")))), "not rounded");
    }
  }

  @Test
  void theHandshakeCarriesTheTokenAndTheSubscribeFrame() {
    MultiMapCheck.bearer(feed.handshakes.get(feed.handshakes.size() - 1), TOKEN);
    assertTrue(QuotecastServer.poll(() -> feed.received.contains("{\"op\":\"subscribe\",\"symbols\":[\"*\"]}"),
        5000), feed.received::toString);
  }

  @Test
  void aDroppedFeedIsDownRetriedWithBackoffThenUpFollowedBySnapshots() {
    try (WsClient c = subscribed(QUOTE, TRADE)) {
      int from = c.size();
      feed.refuse(true);
      feed.drop();
      JsonObject down = c.waitFor(m -> isStatus(m, "down"), 5000).getJsonObject("data");
      assertEquals("feed", down.getString("source"));
      assertTrue(down.getString("reason").contains("closed"), down::encode);
      c.waitUntil(() -> attempts(c, from).size() >= 4, 10_000, "four reconnect attempts");
      feed.refuse(false);
      JsonObject up = c.find(m -> isStatus(m, "up"), from, 20_000);
      assertTrue(up != null, "status up again: " + c.tail(5));
      int upAt = c.indexOf(up);

      List<JsonObject> attempts = attempts(c, from);
      for (int i = 0; i < attempts.size(); i++) {
        JsonObject a = attempts.get(i).getJsonObject("data");
        assertEquals(i + 1, a.getInteger("attempt"), a::encode);
        long cap = Math.min(20_000, 500L << i);
        assertTrue(a.getLong("nextRetryMs") >= 0 && a.getLong("nextRetryMs") <= cap, a.encode() + " cap " + cap);
        if (i > 0) {
          assertTrue(a.getString("reason").contains("HTTP 503"), a::encode);
          // the attempt this status reports came only after the delay the previous one announced
          long waited = attempts.get(i).getLong("ts") - attempts.get(i - 1).getLong("ts");
          long announced = attempts.get(i - 1).getJsonObject("data").getLong("nextRetryMs");
          assertTrue(waited >= announced - 50, "waited " + waited + " ms, announced " + announced);
        }
      }
      assertTrue(feed.attempts.get() >= attempts.size(), "the attempts reached the feed: " + feed.attempts);

      JsonObject snapshot = c.find(m -> QUOTE.equals(m.getString("ch")) && WsClient.isSnapshot(m), upAt, 5000);
      assertTrue(snapshot != null && c.indexOf(snapshot) > upAt, "a fresh snapshot follows the status up");
      assertTrue(tradeArrives(c, nextPrice()) > upAt, "live ticks flow again");
    }
  }

  @Test
  void aStalledFeedIsDegradedUntilTicksResume() {
    try (WsClient c = subscribed(QUOTE, TRADE)) {
      // quiet but healthy: heartbeats alone keep it up for several times source.staleMs
      QuotecastServer.sleep(1500);
      assertTrue(c.messages().stream().noneMatch(m -> "status".equals(m.getString("type"))),
          () -> "heartbeats keep a quiet feed up: " + c.tail(5));
      int from = c.size();
      feed.stall(true);
      JsonObject degraded = c.waitFor(m -> isStatus(m, "degraded"), 5000).getJsonObject("data");
      assertTrue(degraded.getString("reason").startsWith("no updates for"), degraded::encode);
      assertEquals(1, feed.connections(), "still connected while stalled");
      String price = nextPrice();
      feed.stall(false);
      int tradeAt = tradeArrives(c, price);
      JsonObject up = c.find(m -> isStatus(m, "up"), from, 5000);
      assertTrue(up != null && c.indexOf(up) > c.indexOf(c.find(m -> isStatus(m, "degraded"), from, 0)),
          "up again after ticks resume");
      assertTrue(tradeAt > from);
      assertEquals(200, server.getMonitor("/health/ready").statusCode(), "ready again once the source is up");
    }
  }

  @Test
  void aRestartedFeedProcessIsReconnected() {
    try (WsClient c = subscribed(QUOTE, TRADE)) {
      int from = c.size();
      int handshakes = feed.handshakes.size();
      feed.close(); // the process is gone: connections closed, port closed
      JsonObject down = c.waitFor(m -> isStatus(m, "down"), 5000).getJsonObject("data");
      assertTrue(down.getString("reason").contains("closed"), down::encode);
      c.waitUntil(() -> attempts(c, from).size() >= 3, 10_000, "reconnect attempts while the port is closed");
      assertTrue(attempts(c, from).get(1).getJsonObject("data").getString("reason").startsWith("cannot connect"),
          () -> c.tail(3));
      assertEquals(503, server.getMonitor("/health/ready").statusCode(), "not ready without a source");

      feed = FakeUpstreamFeed.start(feedVertx, feedPort); // a new process on the same port
      JsonObject up = c.find(m -> isStatus(m, "up"), from, 20_000);
      assertTrue(up != null, "status up on the restarted feed: " + c.tail(5));
      int upAt = c.indexOf(up);
      JsonObject snapshot = c.find(m -> QUOTE.equals(m.getString("ch")) && WsClient.isSnapshot(m), upAt, 5000);
      assertTrue(snapshot != null && c.indexOf(snapshot) > upAt, "a fresh snapshot follows the status up");
      assertEquals(1, feed.handshakes.size(), "connected to the new process (had " + handshakes + " before)");
      MultiMapCheck.bearer(feed.handshakes.get(0), TOKEN);
      assertTrue(QuotecastServer.poll(() -> !feed.received.isEmpty(), 5000), "subscribed again");
      assertTrue(tradeArrives(c, nextPrice()) > upAt);
    }
  }

  /** The reconnect-attempt statuses (down with an attempt count) from message {@code from} on. */
  static List<JsonObject> attempts(WsClient c, int from) {
    List<JsonObject> all = c.messages();
    return all.subList(Math.min(from, all.size()), all.size()).stream()
        .filter(m -> isStatus(m, "down") && m.getJsonObject("data").containsKey("attempt")).toList();
  }

  /** Handshake header checks. */
  static final class MultiMapCheck {
    private MultiMapCheck() {}

    static void bearer(io.vertx.core.MultiMap headers, String token) {
      assertEquals("Bearer " + token, headers.get("Authorization"), headers::toString);
    }
  }
}
