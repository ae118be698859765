package io.quotecast.quote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The feed connection against a real WebSocket server on loopback: handshake, frames, drops, backoff, dead peers. */
@Timeout(30)
class FeedConnectionTest {
  Vertx vertx;
  Context context;
  final List<JsonObject> statuses = new CopyOnWriteArrayList<>();
  final List<String> frames = new CopyOnWriteArrayList<>();
  FeedConnection connection;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void tearDown() {
    if (connection != null) {
      FeedConnection c = connection;
      context.runOnContext(v -> c.stop());
    }
    FakeFeed.await(vertx.close());
  }

  static FeedSettings settings(int port, long pingMs) {
    return new FeedSettings("ws://127.0.0.1:" + port + "/ticks?key=abc",
        "{\"op\":\"subscribe\",\"auth\":\"{{token}}\"}", "s3cret", "Authorization", 2000, 65536, pingMs);
  }

  /** Creates and starts the connection on one event-loop context, as the verticle does. */
  void open(FeedSettings settings) {
    context.runOnContext(v -> {
      connection = new FeedConnection(vertx, settings, "feed", 60_000, now -> true, statuses::add, (text, now) -> {
        frames.add(text);
        return 1;
      }, now -> { }, new Random(3));
      connection.start();
    });
  }

  static void waitUntil(BooleanSupplier condition, long ms, String what) {
    long deadline = System.currentTimeMillis() + ms;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        fail("timed out after " + ms + " ms waiting for " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  boolean saw(String state) {
    return statuses.stream().anyMatch(s -> state.equals(s.getString("state")));
  }

  JsonObject last() {
    return statuses.get(statuses.size() - 1);
  }

  @Test
  void connectsWithTheTokenSendsTheSubscribeFrameAndDeliversFrames() {
    try (FakeFeed feed = FakeFeed.start(vertx, 0)) {
      open(settings(feed.port(), 0));
      waitUntil(() -> saw("up"), 5000, "status up");
      assertEquals("feed", last().getString("source"));
      assertEquals("Bearer s3cret", feed.handshakes.get(0).get("Authorization"));
      waitUntil(() -> !feed.received.isEmpty(), 5000, "the subscribe frame");
      assertEquals("{\"op\":\"subscribe\",\"auth\":\"s3cret\"}", feed.received.get(0), "{{token}} replaced");
      feed.send("{\"type\":\"heartbeat\"}");
      waitUntil(() -> frames.contains("{\"type\":\"heartbeat\"}"), 5000, "the frame delivered");
      assertEquals(1, statuses.size(), "just up: " + statuses);
    }
  }

  @Test
  void aDroppedConnectionIsDownRetriedWithGrowingBackoffThenUp() {
    try (FakeFeed feed = FakeFeed.start(vertx, 0)) {
      open(settings(feed.port(), 0));
      waitUntil(() -> saw("up"), 5000, "status up");
      feed.refuse(true);
      feed.drop();
      waitUntil(() -> statuses.stream().anyMatch(s -> s.getInteger("attempt", 0) >= 4), 10_000, "4 attempts");
      feed.refuse(false);
      waitUntil(() -> "up".equals(last().getString("state")), 15_000, "up again");
      List<JsonObject> down = statuses.subList(1, statuses.size() - 1);
      assertTrue(down.get(0).getString("reason").startsWith("connection to the feed closed (1001 feed going away)"),
          down.get(0)::encode);
      for (int i = 0; i < down.size(); i++) {
        JsonObject s = down.get(i);
        assertEquals("down", s.getString("state"));
        assertEquals(i + 1, s.getInteger("attempt"), s::encode);
        long cap = Math.min(SourceWatch.BACKOFF_MAX_MS, SourceWatch.BACKOFF_BASE_MS << i);
        assertTrue(s.getLong("nextRetryMs") <= cap, s.encode() + " within the cap " + cap);
        if (i > 0) {
          assertTrue(s.getString("reason").contains("handshake refused with HTTP 503"), s::encode);
        }
      }
      assertTrue(feed.attempts.get() >= down.size() + 1, "each announced attempt was made: " + feed.attempts);
      assertEquals(2, feed.handshakes.size(), "the first connection and the one after the outage");
      assertEquals(2, feed.received.size(), "the subscribe frame again after reconnecting");
    }
  }

  @Test
  void aFeedProcessThatIsGoneIsRetriedUntilItIsBack() {
    int port;
    try (FakeFeed feed = FakeFeed.start(vertx, 0)) {
      port = feed.port();
      open(settings(port, 0));
      waitUntil(() -> saw("up"), 5000, "status up");
    }
    waitUntil(() -> statuses.stream().anyMatch(s -> s.getInteger("attempt", 0) >= 2), 10_000, "2 attempts");
    assertTrue(statuses.stream().filter(s -> s.getInteger("attempt", 0) >= 2)
        .allMatch(s -> s.getString("reason").startsWith("cannot connect to the feed at ws://127.0.0.1:" + port
            + "/ticks: ")), () -> "no credentials or query in reasons: " + statuses);
    try (FakeFeed again = FakeFeed.start(vertx, port)) {
      waitUntil(() -> "up".equals(last().getString("state")), 15_000, "up on the restarted feed");
      assertEquals(1, again.handshakes.size());
    }
  }

  @Test
  void aPeerThatAnswersNothingIsDroppedAfterAPingPeriod() {
    NetServer silent = vertx.createNetServer().connectHandler(socket -> {
      StringBuilder request = new StringBuilder();
      socket.handler(bytes -> {
        if (request.indexOf("\r\n\r\n") >= 0) {
          return; // after the handshake: read everything (pings included), answer nothing
        }
        request.append(bytes.toString(StandardCharsets.ISO_8859_1));
        Matcher key = Pattern.compile("(?i)Sec-WebSocket-Key: *(\\S+)").matcher(request);
        if (request.indexOf("\r\n\r\n") >= 0 && key.find()) {
          socket.write(Buffer.buffer("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
              + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept(key.group(1)) + "\r\n\r\n"));
        }
      });
    });
    FakeFeed.await(silent.listen(0, "127.0.0.1"));
    open(settings(silent.actualPort(), 300));
    waitUntil(() -> saw("up"), 5000, "status up");
    waitUntil(() -> saw("down"), 5000, "status down");
    JsonObject down = statuses.stream().filter(s -> "down".equals(s.getString("state"))).findFirst().orElseThrow();
    assertTrue(down.getString("reason").contains("answered nothing"), down::encode);
    long upAt = statuses.get(0).getLong("since");
    assertTrue(down.getLong("since") - upAt < 2_000, "detected within about two ping periods: " + statuses);
  }

  @Test
  void stopEndsReconnecting() {
    try (FakeFeed feed = FakeFeed.start(vertx, 0)) {
      feed.refuse(true);
      open(settings(feed.port(), 0));
      waitUntil(() -> feed.attempts.get() >= 2, 5000, "two attempts");
      FeedConnection c = connection;
      context.runOnContext(v -> c.stop());
      connection = null;
      FakeFeed.await(vertx.timer(100));
      int attempts = feed.attempts.get();
      FakeFeed.await(vertx.timer(1500));
      assertEquals(attempts, feed.attempts.get(), "no attempt after stop");
    }
  }

  static String accept(String key) {
    try {
      byte[] sha1 = MessageDigest.getInstance("SHA-1")
          .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
