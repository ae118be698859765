package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Admission and inbound limits (issue 7): a burst of connections from one address meets
 * {@code limits.connectionsPerIpPerSecond} (429 + Retry-After + RATE_LIMITED before the upgrade, per address, through
 * trusted proxies by X-Forwarded-For); a socket that never completes its handshake is closed after
 * {@code gateway.handshakeTimeoutMs}; a message over the size limit closes with 1009 even when each of its frames is
 * small; {@code limits.channelsPerRequest} refuses the whole request with LIMIT_EXCEEDED.
 */
class AdmissionTest {
  private static final int BURST = 5;
  /** One new connection per second once the burst is spent: slow enough that a loaded machine cannot refill it. */
  private static final int PER_SECOND = 1;
  private static QuotecastServer rated;
  private static QuotecastServer limited;

  @BeforeAll
  static void start() {
    rated = QuotecastServer.start(config -> {
      config.getJsonObject("limits").put("connectionsPerIpPerSecond", PER_SECOND).put("connectionBurstPerIp", BURST);
      config.getJsonObject("gateway").put("trustedProxies", "127.0.0.3");
    });
    limited = QuotecastServer.start(config -> {
      config.getJsonObject("gateway").put("handshakeTimeoutMs", 300).put("maxFrameBytes", 16384)
          .put("maxMessageBytes", 8192);
      config.getJsonObject("limits").put("channelsPerRequest", 5);
    });
  }

  @AfterAll
  static void stop() {
    for (QuotecastServer s : new QuotecastServer[] {rated, limited}) {
      if (s != null) {
        s.close();
      }
    }
  }

  /** The handshake's outcome from source address {@code local}: 101, or the refusal's HTTP status. */
  private static int handshake(String local, MultiMap headers) {
    Vertx vertx = rated.vertx;
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress(local));
    try {
      ClientWebSocket ws = client.webSocket();
      ws.exceptionHandler(t -> { });
      WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(rated.port)
          .setURI("/ws");
      if (headers != null) {
        options.setHeaders(headers);
      }
      int status = QuotecastServer.await(ws.connect(options).map(socket -> 101)
          .recover(failure -> failure instanceof UpgradeRejectedException rejected
              ? io.vertx.core.Future.succeededFuture(rejected.getStatus()) : io.vertx.core.Future.failedFuture(failure)),
          QuotecastServer.TIMEOUT_S);
      if (status == 101) {
        QuotecastServer.await(ws.close().recover(t -> io.vertx.core.Future.succeededFuture()), 5);
      }
      return status;
    } finally {
      client.close();
    }
  }

  private static MultiMap forwardedFor(String value) {
    return MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-For", value);
  }

  /** Handshakes from {@code local} until the first refusal (at most {@code max}); how many were accepted. */
  private static int acceptedUntilRefused(String local, MultiMap headers, int max) {
    for (int accepted = 0; accepted < max; accepted++) {
      int status = handshake(local, headers);
      if (status != 101) {
        assertEquals(429, status, "a refusal by the address budget");
        return accepted;
      }
    }
    return max;
  }

  @Test
  void aBurstFromOneAddressIsRefusedWith429PerAddress() {
    long before = rated.counters().refusedByAddressRate.sum();
    long start = System.currentTimeMillis();
    int accepted = acceptedUntilRefused("127.0.0.1", null, 30);
    double elapsedSeconds = (System.currentTimeMillis() - start) / 1000.0;
    // the burst, plus what refilled while the handshakes ran (one a second)
    assertTrue(accepted >= BURST && accepted <= BURST + (int) Math.ceil(elapsedSeconds * PER_SECOND) + 1,
        "accepted " + accepted + " in " + elapsedSeconds + " s");

    // the refusal, read as a plain request to the same route: status, Retry-After, problem+json
    HttpResponse<Buffer> refused = rated.get("/ws");
    assertEquals(429, refused.statusCode(), refused.bodyAsString());
    assertEquals("1", refused.getHeader("Retry-After"));
    assertTrue(refused.getHeader("Content-Type").startsWith("application/problem+json"));
    JsonObject problem = refused.bodyAsJsonObject();
    assertEquals("RATE_LIMITED", problem.getString("code"), problem::encode);
    assertEquals("connectionsPerIpPerSecond", problem.getString("limit"), problem::encode);
    long retryAfterMs = problem.getLong("retryAfterMs");
    assertTrue(retryAfterMs >= 1 && retryAfterMs <= 1000 / PER_SECOND, problem::encode);
    assertTrue(rated.counters().refusedByAddressRate.sum() >= before + 2, "counted");

    // another address has its own budget; an untrusted X-Forwarded-For does not buy a new one
    assertEquals(101, handshake("127.0.0.2", null));
    int viaUntrusted = acceptedUntilRefused("127.0.0.2", forwardedFor("203.0.113.9"), 30);
    assertTrue(viaUntrusted <= BURST + 2, "X-Forwarded-For from an untrusted peer is ignored: " + viaUntrusted);
    // behind the trusted proxy each client has its own budget, named by the rightmost untrusted hop
    assertEquals(101, handshake("127.0.0.3", forwardedFor("198.51.100.7")));
    assertEquals(101, handshake("127.0.0.3", forwardedFor("198.51.100.8")));
    int spoofed = acceptedUntilRefused("127.0.0.3", forwardedFor("192.0.2.1, 198.51.100.7"), 30);
    assertTrue(spoofed <= BURST, "a client-written left entry does not pick the budget: " + spoofed);

    // the budget refills: after the announced wait, 127.0.0.1 is accepted again
    QuotecastServer.sleep(1000 / PER_SECOND + 100);
    assertEquals(101, handshake("127.0.0.1", null));
  }

  @Test
  void aSocketThatNeverCompletesItsHandshakeIsClosed() {
    Vertx vertx = limited.vertx;
    long before = limited.counters().handshakeTimeouts.sum();
    NetClient net = vertx.createNetClient();
    try {
      List<AtomicBoolean> closed = new ArrayList<>();
      List<NetSocket> sockets = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        NetSocket socket = QuotecastServer.await(net.connect(limited.port, "127.0.0.1"), QuotecastServer.TIMEOUT_S);
        AtomicBoolean flag = new AtomicBoolean();
        socket.closeHandler(v -> flag.set(true));
        closed.add(flag);
        sockets.add(socket);
      }
      // one says nothing; the other trickles a header every 100 ms and never ends them (slowloris)
      QuotecastServer.await(sockets.get(1).write("GET /ws HTTP/1.1\r\n"), QuotecastServer.TIMEOUT_S);
      long trickle = vertx.setPeriodic(100, id -> sockets.get(1).write("X-Slow: 1\r\n"));
      try (WsClient open = WsClient.open(vertx, limited.port, "/ws")) {
        assertTrue(QuotecastServer.poll(() -> closed.get(0).get() && closed.get(1).get(), 10_000),
            "both sockets closed by the server");
        assertTrue(limited.counters().handshakeTimeouts.sum() >= before + 2, "counted");
        QuotecastServer.sleep(500);
        assertEquals("result", open.request("ping").getString("type"), "an upgraded connection is not affected");
      } finally {
        vertx.cancelTimer(trickle);
      }
    } finally {
      net.close();
    }
  }

  @Test
  void aMessageOverTheLimitClosesWith1009EvenInSmallFrames() {
    try (RawWebSocket raw = RawWebSocket.connect(limited.vertx, limited.port, "/ws")) {
      raw.waitUntil(() -> raw.textCount() >= 1, WsClient.WAIT_MS, "the welcome");
      String big = "{\"op\":\"ping\",\"id\":\"" + "x".repeat(30_000) + "\"}";
      raw.sendFragmented(big, 3); // frames of ~10 KB under maxFrameBytes 16 KB; the message is 30 KB
      assertEquals(1009, raw.awaitClose(WsClient.WAIT_MS), "close code (-1: closed without a close frame)");
    }
  }

  @Test
  void moreChannelsThanChannelsPerRequestAreRefusedAsAWhole() {
    try (WsClient c = WsClient.open(limited.vertx, limited.port, "/ws")) {
      List<String> six = List.of("quote:600519.SH", "quote:000001.SZ", "quote:600000.SH", "quote:000002.SZ",
          "quote:601318.SH", "quote:600036.SH");
      JsonObject e = c.error("subscribe", WsClient.args("channels", six), "LIMIT_EXCEEDED");
      assertEquals("channelsPerRequest", e.getString("limit"), e::encode);
      assertEquals(5, e.getInteger("max"), e::encode);
      assertEquals(6, e.getInteger("requested"), e::encode);
      assertEquals(0, c.ok("list").getJsonArray("subscriptions").size(), "nothing subscribed");
      JsonObject ok = c.ok("subscribe", WsClient.args("channels", six.subList(0, 5), "snapshot", false));
      assertEquals(5, ok.getJsonArray("subscribed").size(), ok::encode);
    }
  }
}
