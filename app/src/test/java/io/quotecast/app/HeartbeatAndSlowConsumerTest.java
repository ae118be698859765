package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.Listing;
import io.quotecast.common.ListingLoader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md §6 and §8 on a node of its own with short heartbeats and a small send queue: a client that stays silent
 * but answers pings stays connected; one that answers nothing is closed with 4009; a client that stops reading is
 * conflated on state channels and closed with 4008 when trades would be lost.
 */
class HeartbeatAndSlowConsumerTest {
  static QuotecastServer server;

  @BeforeAll
  static void start() {
    server = QuotecastServer.start(config -> {
      config.getJsonObject("gateway").put("heartbeatMs", 300).put("idleTimeoutMs", 1500)
          .put("writeQueueBytes", 16 * 1024).put("instances", 1);
      config.getJsonObject("simulator").put("updatesPerSecond", 10000);
      config.getJsonObject("tiers").getJsonObject("free").put("minFreq", "realtime"); // every trade, at once
    });
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void silentClientThatAnswersPingsStaysOpen() {
    try (WsClient c = WsClient.open(server.vertx, server.port, "/ws")) {
      JsonObject welcome = c.welcome().getJsonObject("data");
      assertEquals(300, welcome.getInteger("heartbeatMs"));
      assertEquals(1500, welcome.getInteger("idleTimeoutMs"));
      QuotecastServer.sleep(3500);
      assertFalse(c.isClosed(), "a client answering pings (pongs) is not idle");
      assertEquals("result", c.request("ping").getString("type"));
    }
  }

  @Test
  void clientAnsweringNothingIsClosed4009() {
    try (RawWebSocket raw = RawWebSocket.connect(server.vertx, server.port, "/ws")) {
      raw.waitUntil(() -> raw.textCount() >= 1, WsClient.WAIT_MS, "the welcome");
      assertEquals(4009, raw.awaitClose(8000));
      assertTrue(raw.pings() >= 1, "the server pinged before giving up: " + raw.pings());
    }
  }

  @Test
  void slowConsumerOfStateIsConflatedNotClosed() {
    assertTrue(QuotecastServer.poll(() -> server.counters().connections.get() == 0, 5000));
    long conflatedBefore = server.counters().toJson().getLong("conflated");
    try (RawWebSocket raw = RawWebSocket.connect(server.vertx, server.port, "/ws")) {
      raw.waitUntil(() -> raw.textCount() >= 1, WsClient.WAIT_MS, "the welcome");
      raw.send(new JsonObject().put("op", "subscribe").put("id", "s")
          .put("args", new JsonObject().put("channels", busiest("quote:", 20))).encode());
      raw.waitUntil(() -> raw.textCount() >= 3, WsClient.WAIT_MS, "the subscribe reply");
      raw.pause();
      assertTrue(pollAlive(raw, () -> server.counters().toJson().getLong("conflated") > conflatedBefore, 15_000),
          "a full send queue conflates state channels");
      pollAlive(raw, () -> false, 1000);
      assertEquals(1, server.counters().connections.get(), "state channels never close a slow consumer");
      raw.resume();
      raw.send(new JsonObject().put("op", "ping").put("id", "p").encode()); // keeps it from idling out
      int seen = raw.textCount();
      raw.waitUntil(() -> raw.textCount() > seen + 10, WsClient.WAIT_MS, "data after resuming");
      assertEquals(null, raw.closeCode());
    }
    assertTrue(QuotecastServer.poll(() -> server.counters().connections.get() == 0, 5000));
  }

  @Test
  void slowConsumerOfTradesIsClosed4008() {
    try (RawWebSocket raw = RawWebSocket.connect(server.vertx, server.port, "/ws")) {
      raw.waitUntil(() -> raw.textCount() >= 1, WsClient.WAIT_MS, "the welcome");
      JsonArray channels = busiest("quote:", 10);
      busiest("trade:", 10).forEach(channels::add);
      raw.send(new JsonObject().put("op", "subscribe").put("id", "s")
          .put("args", new JsonObject().put("channels", channels)).encode());
      raw.waitUntil(() -> raw.textCount() >= 3, WsClient.WAIT_MS, "the subscribe reply");
      raw.pause();
      assertTrue(pollAlive(raw, () -> server.counters().connections.get() == 0, 15_000),
          "a slow consumer of trades is disconnected");
      raw.resume();
      assertEquals(4008, raw.awaitClose(WsClient.WAIT_MS));
    }
  }

  /**
   * Polls {@code condition} like {@link QuotecastServer#poll} while sending a {@code ping} request every 250 ms, so
   * that a client that does not read is not closed as idle (4009) meanwhile.
   */
  private static boolean pollAlive(RawWebSocket raw, java.util.function.BooleanSupplier condition, long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      if (raw.closeCode() == null) {
        try {
          raw.send("{\"op\":\"ping\"}");
        } catch (AssertionError | RuntimeException closed) {
          // the server may have closed meanwhile
        }
      }
      QuotecastServer.sleep(250);
    }
    return condition.getAsBoolean();
  }

  /** Channels of the first {@code n} symbols with 600519.SH first (the busiest), as a JSON array. */
  private static JsonArray busiest(String prefix, int n) {
    JsonArray out = new JsonArray().add(prefix + "600519.SH");
    List<Listing> all = ListingLoader.loadShipped();
    for (int i = 0; out.size() < n; i++) {
      if (!all.get(i).symbol().equals("600519.SH")) {
        out.add(prefix + all.get(i).symbol());
      }
    }
    return out;
  }
}
