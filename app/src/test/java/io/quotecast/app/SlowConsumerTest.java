package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.Listing;
import io.quotecast.common.ListingLoader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md §6 under load: clients that stop reading (raw sockets, paused) while the simulator runs fast and the
 * send queue is small. Quote-only readers stay open, conflated; a trade reader is closed with 4008; and the server's
 * heap (same JVM) does not grow with how long they stall, only with how many there are.
 */
class SlowConsumerTest {
  private static final int WRITE_QUEUE_BYTES = 16 * 1024;
  private static final int CLIENTS = 6;
  static QuotecastServer server;

  @BeforeAll
  static void start() {
    server = QuotecastServer.start(config -> {
      // Long idle timeout: these clients never answer pings, and must be judged on reading, not on idling.
      config.getJsonObject("gateway").put("heartbeatMs", 5000).put("idleTimeoutMs", 120_000)
          .put("writeQueueBytes", WRITE_QUEUE_BYTES).put("instances", 1);
      config.getJsonObject("simulator").put("updatesPerSecond", 10000);
      config.getJsonObject("tiers").getJsonObject("free").put("minFreq", "realtime");
    });
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void stalledQuoteReadersStayOpenConflatedAndTheHeapStaysBounded() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = usedHeapAfterGc(memory);
    long conflatedBefore = server.counters().toJson().getLong("conflated");
    List<RawWebSocket> clients = new ArrayList<>();
    try {
      for (int i = 0; i < CLIENTS; i++) {
        clients.add(subscribed(channels("quote:", 30)));
      }
      clients.forEach(RawWebSocket::pause);
      long peak = 0;
      for (int second = 0; second < 10; second++) { // 10 s of not reading
        QuotecastServer.sleep(1000);
        peak = Math.max(peak, usedHeapAfterGc(memory));
      }
      assertTrue(server.counters().toJson().getLong("conflated") > conflatedBefore, "full queues conflate");
      assertEquals(CLIENTS, server.counters().connections.get(), "quote readers are conflated, not closed");
      // Each stalled client may cost its queue, one held message per subscription and socket buffers; allow far
      // more than that (GC noise, the simulator's own state) but far less than ten seconds of 10,000 updates/s.
      long bound = 48L * 1024 * 1024 + (long) CLIENTS * WRITE_QUEUE_BYTES * 64;
      assertTrue(peak - before < bound, "heap grew by " + (peak - before) + " bytes, bound " + bound);
      for (RawWebSocket raw : clients) {
        raw.resume();
        int seen = raw.textCount();
        raw.waitUntil(() -> raw.textCount() > seen + 30, WsClient.WAIT_MS, () -> "the latest values after resuming (had "
            + seen + ", now " + raw.textCount() + ", close " + raw.closeCode() + ", server "
            + server.counters().toJson() + ")");
        assertNull(raw.closeCode());
      }
    } finally {
      clients.forEach(RawWebSocket::close);
    }
    assertTrue(QuotecastServer.poll(() -> server.counters().connections.get() == 0, 5000));
  }

  @Test
  void aStalledTradeReaderIsClosed4008() {
    long closesBefore = server.counters().closes(4008).sum();
    long droppedBefore = server.counters().dropped.sum();
    JsonArray channels = channels("quote:", 10);
    channels("trade:", 10).forEach(channels::add);
    try (RawWebSocket raw = subscribed(channels)) {
      raw.pause();
      assertTrue(QuotecastServer.poll(() -> server.counters().connections.get() == 0, 15_000),
          "a reader that would lose trades is disconnected");
      raw.resume();
      assertEquals(4008, raw.awaitClose(WsClient.WAIT_MS));
    }
    assertEquals(closesBefore + 1, server.counters().closes(4008).sum(), "slow-consumer closes are counted");
    assertTrue(server.counters().dropped.sum() > droppedBefore, "the trade it could not take is counted dropped");
  }

  private static RawWebSocket subscribed(JsonArray channels) {
    RawWebSocket raw = RawWebSocket.connect(server.vertx, server.port, "/ws");
    raw.waitUntil(() -> raw.textCount() >= 1, WsClient.WAIT_MS, "the welcome");
    raw.send(new JsonObject().put("op", "subscribe").put("id", "s")
        .put("args", new JsonObject().put("channels", channels)).encode());
    raw.waitUntil(() -> raw.textCount() >= 3, WsClient.WAIT_MS, "the subscribe reply");
    return raw;
  }

  private static long usedHeapAfterGc(MemoryMXBean memory) {
    System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** Channels of 600519.SH (the busiest) and the next symbols, {@code n} in all. */
  private static JsonArray channels(String prefix, int n) {
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
