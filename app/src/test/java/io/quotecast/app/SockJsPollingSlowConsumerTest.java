package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.Listing;
import io.quotecast.common.ListingLoader;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md §6 over SockJS's xhr-polling transport, where a client that stops reading is one that stops polling:
 * the server keeps what it would send in the SockJS session until the next poll. That backlog must stay within the
 * connection's send queue (quotes conflate), and a trade reader that stops polling is closed as a slow consumer.
 */
class SockJsPollingSlowConsumerTest {
  /** Room for the 30 snapshots of a subscribe (a snapshot is never conflated), far less than 3 s of updates. */
  private static final int WRITE_QUEUE_BYTES = 64 * 1024;
  static QuotecastServer server;

  @BeforeAll
  static void start() {
    server = QuotecastServer.start(config -> {
      config.getJsonObject("gateway").put("writeQueueBytes", WRITE_QUEUE_BYTES).put("instances", 1)
          .put("idleTimeoutMs", 60_000);
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

  /** One xhr-polling SockJS session, driven by hand: nothing is fetched unless {@link #poll()} is called. */
  private static final class PollingSession implements AutoCloseable {
    /** Its own client: a pooled connection the server closed with an earlier session must not be reused. */
    final WebClient http = WebClient.create(server.vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(server.port).setKeepAlive(false));
    final String base = "/sockjs/000/" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    final List<JsonObject> messages = new ArrayList<>();
    Integer sockJsClose;

    /** One poll: the raw body, with its messages recorded. */
    String poll() {
      HttpResponse<Buffer> r = QuotecastServer.await(http.post(base + "/xhr").send(), QuotecastServer.TIMEOUT_S);
      assertEquals(200, r.statusCode(), r::bodyAsString);
      String body = r.bodyAsString();
      if (body.startsWith("a")) {
        for (Object o : new JsonArray(body.substring(1))) {
          messages.add(new JsonObject((String) o));
        }
      } else if (body.startsWith("c")) {
        sockJsClose = new JsonArray(body.substring(1)).getInteger(0);
      }
      return body;
    }

    void send(JsonObject message) {
      HttpResponse<Buffer> r = QuotecastServer.await(http.post(base + "/xhr_send")
          .sendBuffer(Buffer.buffer(new JsonArray().add(message.encode()).encode())), QuotecastServer.TIMEOUT_S);
      assertTrue(r.statusCode() == 204 || r.statusCode() == 200, () -> r.statusCode() + " " + r.bodyAsString());
    }

    JsonObject pollUntil(java.util.function.Predicate<JsonObject> p, String what) {
      long deadline = System.currentTimeMillis() + WsClient.WAIT_MS;
      while (System.currentTimeMillis() < deadline) {
        for (JsonObject m : messages) {
          if (p.test(m)) {
            return m;
          }
        }
        poll();
      }
      throw new AssertionError("no " + what + " in " + messages.size() + " messages");
    }

    void subscribe(JsonArray channels) {
      assertEquals("o", poll().trim(), "the SockJS open frame");
      pollUntil(m -> "welcome".equals(m.getString("type")), "welcome");
      send(new JsonObject().put("op", "subscribe").put("id", "s")
          .put("args", new JsonObject().put("channels", channels)));
      JsonObject reply = pollUntil(m -> "s".equals(m.getString("id")), "subscribe reply");
      assertEquals("result", reply.getString("type"), reply::encode);
    }

    @Override
    public void close() {
      http.close();
    }

    long channelMessages() {
      return messages.stream().filter(m -> m.containsKey("ch")).count();
    }
  }

  @Test
  void aQuoteReaderThatStopsPollingIsConflatedAndItsBacklogStaysWithinTheQueue() {
    try (PollingSession s = new PollingSession()) {
      quoteReaderStopsPolling(s);
    }
  }

  private void quoteReaderStopsPolling(PollingSession s) {
    s.subscribe(channels("quote:", 30));
    long conflatedBefore = server.counters().toJson().getLong("conflated");
    QuotecastServer.sleep(3000); // no polls: ~30 quote channels of a 10,000 updates/s simulator pile up
    String backlog = s.poll();
    assertTrue(backlog.startsWith("a"), backlog);
    // SockJS counts the queued messages' characters; a poll returns them JSON-escaped in one array, which can add
    // a backslash per quote character. Without conflation 3 s of these channels would be far larger.
    long bound = 2L * (WRITE_QUEUE_BYTES + 4096);
    assertTrue(backlog.length() < bound, "backlog of " + backlog.length() + " chars, bound " + bound);
    assertTrue(server.counters().toJson().getLong("conflated") > conflatedBefore, "the full queue conflates");
    long seen = s.channelMessages();
    long deadline = System.currentTimeMillis() + WsClient.WAIT_MS;
    while (s.channelMessages() < seen + 30 && System.currentTimeMillis() < deadline) {
      s.poll(); // polling again: the latest values keep coming, the session is alive
    }
    assertTrue(s.channelMessages() >= seen + 30, "live again after polling resumed");
    assertEquals(null, s.sockJsClose);
  }

  @Test
  void aTradeReaderThatStopsPollingIsClosed() {
    long before = server.counters().connections.get();
    try (PollingSession s = new PollingSession()) {
      tradeReaderStopsPolling(s, before);
    }
  }

  private void tradeReaderStopsPolling(PollingSession s, long before) {
    s.subscribe(new JsonArray().add("quote:600519.SH").add("trade:600519.SH"));
    assertTrue(server.counters().connections.get() > before);
    assertTrue(QuotecastServer.poll(() -> server.counters().connections.get() == before, 15_000),
        "a polling reader that would lose trades is disconnected");
    s.poll();
    assertTrue(s.messages.stream().anyMatch(m -> "notice".equals(m.getString("type"))
        && m.getJsonObject("data").getInteger("code", 0) == 4008) || s.sockJsClose != null,
        () -> "told it was closed as a slow consumer: " + s.messages.subList(Math.max(0, s.messages.size() - 3),
            s.messages.size()));
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
