package io.quotecast.app;

import static io.quotecast.app.WsClient.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tier table ({@code tiers.<tier>.*}): minFreq, subscriptionsPerConnection, subscriptionsPerUser shared by a
 * user's connections, connectionsPerUser (429 before the upgrade, 4029 after it), and anonymous connections not pooled. A node of its own with a
 * small table (below) and anonymous access on.
 */
class TierLimitsTest {
  static final int FREE_PER_CONNECTION = 5;
  static final int FREE_PER_USER = 8;
  static final int FREE_CONNECTIONS = 2;
  static final int STANDARD_PER_CONNECTION = 10;

  static QuotecastServer server;
  private final List<WsClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() {
    server = QuotecastServer.start(config -> {
      TestTokens.configure(config, true, false);
      JsonObject tiers = new JsonObject()
          .put("free", tier("1s", FREE_PER_CONNECTION, FREE_PER_USER, FREE_CONNECTIONS))
          .put("standard", tier("250ms", STANDARD_PER_CONNECTION, 15, 3))
          .put("pro", tier("realtime", 20, 40, 4));
      config.put("tiers", tiers);
    });
  }

  private static JsonObject tier(String minFreq, int perConnection, int perUser, int connections) {
    return new JsonObject().put("minFreq", minFreq).put("subscriptionsPerConnection", perConnection)
        .put("subscriptionsPerUser", perUser).put("connectionsPerUser", connections);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void closeClients() {
    clients.forEach(WsClient::close);
    clients.clear();
  }

  private WsClient open(String token) {
    WsClient c = connect(token);
    c.welcome();
    return c;
  }

  private WsClient connect(String token) {
    WsClient c = WsClient.connect(server.vertx, server.port, "/ws",
        token == null ? null : WsClient.bearer(token));
    clients.add(c);
    return c;
  }

  private static String token(String sub, String tier) {
    return TestTokens.token(sub).tier(tier).scopes("md:quote", "md:trade", "md:kline").build();
  }

  private static String freqOf(JsonObject subscribeResult) {
    return subscribeResult.getJsonArray("subscribed").getJsonObject(0).getString("freq");
  }

  private static JsonObject limits(WsClient c) {
    return c.welcome().getJsonObject("data").getJsonObject("limits");
  }

  @Test
  void freqIsRaisedToTheTiersMinFreq() {
    String ch = "quote:600519.SH";
    WsClient free = open(token("fay", "free"));
    assertEquals("1s", limits(free).getString("minFreq"));
    assertEquals("1s", freqOf(free.ok("subscribe", args("channels", List.of(ch), "freq", "realtime"))),
        "free: realtime is raised to 1s");
    assertEquals("3s", freqOf(free.ok("subscribe", args("channels", List.of("trade:600519.SH"), "freq", "3s"))),
        "a slower freq than the minimum is kept");
    JsonObject upd = free.ok("update", args("channels", List.of(ch), "freq", "100ms"));
    assertEquals("1s", upd.getJsonArray("updated").getJsonObject(0).getString("freq"), upd::encode);

    WsClient defaultFreq = open(token("fay2", "free"));
    assertEquals("1s", freqOf(defaultFreq.ok("subscribe", args("channels", List.of(ch)))),
        "free: the default (realtime) is raised to 1s");

    WsClient standard = open(token("sam", "standard"));
    assertEquals("250ms", limits(standard).getString("minFreq"));
    assertEquals("250ms", freqOf(standard.ok("subscribe", args("channels", List.of(ch), "freq", "100ms"))));

    WsClient pro = open(token("pat", "pro"));
    assertEquals("realtime", limits(pro).getString("minFreq"));
    assertEquals("realtime", freqOf(pro.ok("subscribe", args("channels", List.of(ch)))));

    WsClient anonymous = open(null);
    assertEquals("free", limits(anonymous).getString("tier"), () -> limits(anonymous).encode());
    assertEquals("1s", freqOf(anonymous.ok("subscribe", args("channels", List.of(ch), "freq", "realtime"))),
        "anonymous connections are tier free");
  }

  @Test
  void subscriptionsPerConnectionFollowsTheTier() {
    WsClient free = open(token("finn", "free"));
    JsonObject fl = limits(free);
    assertEquals(FREE_PER_CONNECTION, fl.getInteger("subscriptions"), fl::encode);
    assertEquals(FREE_PER_USER, fl.getInteger("subscriptionsPerUser"), fl::encode);
    assertEquals(FREE_CONNECTIONS, fl.getInteger("connectionsPerUser"), fl::encode);
    assertEquals("free", fl.getString("tier"), fl::encode);
    JsonObject ok = free.ok("subscribe", args("channels", LimitsTest.quoteChannels(0, FREE_PER_CONNECTION)));
    assertEquals(FREE_PER_CONNECTION, ok.getJsonArray("subscribed").size(), ok::encode);
    JsonObject e = free.error("subscribe", args("channels", LimitsTest.quoteChannels(FREE_PER_CONNECTION, 2)),
        "LIMIT_EXCEEDED");
    assertEquals("subscriptionsPerConnection", e.getString("limit"), e::encode);
    assertEquals(FREE_PER_CONNECTION, e.getInteger("max"), e::encode);
    assertEquals(FREE_PER_CONNECTION, e.getInteger("current"), e::encode);
    assertEquals(2, e.getInteger("requested"), e::encode);
    assertEquals(FREE_PER_CONNECTION, free.ok("list").getJsonArray("subscriptions").size(), "nothing changed");

    WsClient standard = open(token("stan", "standard"));
    assertEquals(STANDARD_PER_CONNECTION, limits(standard).getInteger("subscriptions"));
    JsonObject sok = standard.ok("subscribe", args("channels", LimitsTest.quoteChannels(0, STANDARD_PER_CONNECTION)));
    assertEquals(STANDARD_PER_CONNECTION, sok.getJsonArray("subscribed").size(), "standard allows more than free");
    JsonObject se = standard.error("subscribe", args("channels", LimitsTest.quoteChannels(STANDARD_PER_CONNECTION, 1)),
        "LIMIT_EXCEEDED");
    assertEquals("subscriptionsPerConnection", se.getString("limit"), se::encode);
    assertEquals(STANDARD_PER_CONNECTION, se.getInteger("max"), se::encode);
  }

  @Test
  void subscriptionsPerUserIsSharedByTheUsersConnections() {
    String t = token("uma", "free");
    WsClient a = open(t);
    WsClient b = open(t);
    JsonObject first = a.ok("subscribe", args("channels", LimitsTest.quoteChannels(0, FREE_PER_CONNECTION)));
    assertEquals(FREE_PER_CONNECTION, first.getJsonArray("subscribed").size(), first::encode);
    int rest = FREE_PER_USER - FREE_PER_CONNECTION;
    JsonObject second = b.ok("subscribe", args("channels", LimitsTest.quoteChannels(10, rest)));
    assertEquals(rest, second.getJsonArray("subscribed").size(), "up to the user's limit: " + second);

    JsonObject e = b.error("subscribe", args("channels", LimitsTest.quoteChannels(20, 1)), "LIMIT_EXCEEDED");
    assertEquals("subscriptionsPerUser", e.getString("limit"), e::encode);
    assertEquals(FREE_PER_USER, e.getInteger("max"), e::encode);
    assertEquals(FREE_PER_USER, e.getInteger("current"), "current is the user's total over both connections: " + e);
    assertEquals(1, e.getInteger("requested"), e::encode);
    assertEquals(rest, b.ok("list").getJsonArray("subscriptions").size(), "nothing changed");

    // another user is not affected
    WsClient other = open(token("vic", "free"));
    assertEquals(3, other.ok("subscribe", args("channels", LimitsTest.quoteChannels(20, 3)))
        .getJsonArray("subscribed").size());

    // unsubscribing on one connection frees room for the other
    a.ok("unsubscribe", args("channels", LimitsTest.quoteChannels(0, 2)));
    assertTrue(retrySubscribe(b, LimitsTest.quoteChannels(20, 2)),
        "after a released 2, the other connection can subscribe 2 more");

    // closing a connection releases its subscriptions for the user: a new connection of the user gets room again
    a.close();
    assertTrue(QuotecastServer.poll(() -> a.isClosed(), 5000));
    WsClient c = openRetrying(t);
    assertNotNull(c, "the user can connect again");
    assertTrue(retrySubscribe(c, LimitsTest.quoteChannels(30, FREE_PER_USER - FREE_PER_CONNECTION)),
        "after the first connection closed, its 3 subscriptions no longer count for the user");
  }

  /** Subscribing may briefly race the release of another connection's channels; retries for a few seconds. */
  private static boolean retrySubscribe(WsClient c, List<String> channels) {
    long deadline = System.currentTimeMillis() + 5000;
    while (System.currentTimeMillis() < deadline) {
      JsonObject reply = c.request("subscribe", args("channels", channels));
      if ("result".equals(reply.getString("type"))) {
        assertEquals(channels.size(), reply.getJsonObject("data").getJsonArray("subscribed").size(), reply::encode);
        return true;
      }
      assertEquals("LIMIT_EXCEEDED", reply.getJsonObject("data").getString("code"), reply::encode);
      QuotecastServer.sleep(150);
    }
    return false;
  }

  @Test
  void connectionsPerUserRefusesTheExtraConnectionWith429Or4029() {
    String t = token("wes", "free");
    WsClient a = open(t);
    open(t);
    // with the token on the handshake: refused before the upgrade
    assertEquals(429, WsClient.handshakeStatus(server.vertx, server.port, "/ws", WsClient.bearer(t)));
    // the refusal as a client library sees it: an upgrade request answered with a problem instead of 101
    io.vertx.ext.web.client.WebClient web = io.vertx.ext.web.client.WebClient.create(server.vertx);
    io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> refused;
    try {
      refused = QuotecastServer.await(web.get(server.port, "127.0.0.1", "/ws?token=" + t)
          .putHeader("Connection", "Upgrade").putHeader("Upgrade", "websocket")
          .putHeader("Sec-WebSocket-Version", "13").putHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
          .send(), QuotecastServer.TIMEOUT_S);
    } finally {
      web.close();
    }
    assertEquals(429, refused.statusCode(), refused.bodyAsString());
    assertEquals(String.valueOf(5), refused.getHeader("Retry-After"));
    JsonObject problem = refused.bodyAsJsonObject();
    assertEquals("LIMIT_EXCEEDED", problem.getString("code"), problem::encode);
    assertEquals("connectionsPerUser", problem.getString("limit"), problem::encode);
    assertEquals(FREE_CONNECTIONS, problem.getInteger("max"), problem::encode);
    assertEquals(FREE_CONNECTIONS, problem.getInteger("current"), problem::encode);
    assertEquals(5000, problem.getInteger("retryAfterMs"), problem::encode);

    // with the token given after the upgrade (the auth op): refused, and the connection keeps its anonymous user
    WsClient third = open(null);
    JsonObject data = third.error("auth", args("token", t), "LIMIT_EXCEEDED");
    assertEquals("connectionsPerUser", data.getString("limit"), data::encode);
    assertEquals(FREE_CONNECTIONS, data.getInteger("current"), data::encode);
    assertEquals(1, data.getInteger("requested"), data::encode);
    assertEquals("result", third.request("ping").getString("type"), "still open, still anonymous");

    // another user is not affected; the first two still work
    assertNotNull(open(token("xena", "free")).welcome());
    assertEquals("result", a.request("ping").getString("type"));

    // closing one frees a slot (the release is asynchronous: retry briefly)
    a.close();
    WsClient again = openRetrying(t);
    assertNotNull(again, "a connection of the user is accepted again after one closed");
    assertTrue(again.messages().stream().noneMatch(m -> "error".equals(m.getString("type"))), again.tail(5));
    assertEquals("result", again.request("ping").getString("type"));
  }

  /**
   * Handshakes of one user that arrive together may all pass the check before the upgrade; the count after it is the
   * authority: exactly connectionsPerUser of them stay, every other one is refused (429 before, or LIMIT_EXCEEDED and
   * 4029 after, the upgrade).
   */
  @Test
  void simultaneousHandshakesOfOneUserNeverExceedTheLimit() throws Exception {
    String t = token("yuri", "free");
    int attempts = FREE_CONNECTIONS + 3;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(attempts);
    try {
      List<java.util.concurrent.Future<WsClient>> tries = new ArrayList<>();
      for (int i = 0; i < attempts; i++) {
        tries.add(pool.submit(() -> {
          try {
            return connect(t);
          } catch (AssertionError refusedBeforeUpgrade) {
            return null;
          }
        }));
      }
      List<WsClient> upgraded = new ArrayList<>();
      for (java.util.concurrent.Future<WsClient> f : tries) {
        WsClient c = f.get(30, java.util.concurrent.TimeUnit.SECONDS);
        if (c != null) {
          upgraded.add(c);
        }
      }
      assertTrue(upgraded.size() >= FREE_CONNECTIONS, "at least the allowed ones were upgraded: " + upgraded.size());
      assertTrue(QuotecastServer.poll(() -> upgraded.stream().filter(c -> !c.isClosed()).count() == FREE_CONNECTIONS,
          WsClient.WAIT_MS), "exactly connectionsPerUser stay open");
      for (WsClient c : upgraded) {
        if (c.isClosed()) {
          assertEquals(4029, c.awaitClose(WsClient.WAIT_MS), () -> "close code; messages " + c.messages());
          assertTrue(c.messages().stream().anyMatch(m -> "error".equals(m.getString("type"))
              && "LIMIT_EXCEEDED".equals(m.getJsonObject("data").getString("code"))), c.tail(5));
        } else {
          assertEquals("result", c.request("ping").getString("type"));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Opens a connection for {@code token}, retrying for a few seconds while it is refused (a closed connection of the
   * same user is released asynchronously); null when it never got in.
   */
  private WsClient openRetrying(String token) {
    long deadline = System.currentTimeMillis() + 5000;
    while (System.currentTimeMillis() < deadline) {
      WsClient c;
      try {
        c = connect(token);
      } catch (AssertionError refusedBeforeUpgrade) {
        QuotecastServer.sleep(150);
        continue;
      }
      JsonObject first = c.waitFor(m -> "welcome".equals(m.getString("type")) || "error".equals(m.getString("type")),
          WsClient.WAIT_MS);
      if ("welcome".equals(first.getString("type"))) {
        QuotecastServer.sleep(200);
        if (!c.isClosed() && c.messages().stream().noneMatch(m -> "error".equals(m.getString("type")))) {
          return c;
        }
      }
      c.awaitClose(WsClient.WAIT_MS);
      QuotecastServer.sleep(150);
    }
    return null;
  }

  @Test
  void anonymousConnectionsAreNotPooled() {
    List<WsClient> anonymous = new ArrayList<>();
    for (int i = 0; i < FREE_CONNECTIONS + 2; i++) {
      WsClient c = open(null);
      assertEquals("anonymous", c.welcome().getJsonObject("data").getJsonObject("user").getString("id"));
      anonymous.add(c);
    }
    for (WsClient c : anonymous) {
      JsonObject sub = c.ok("subscribe", args("channels", LimitsTest.quoteChannels(40, FREE_PER_CONNECTION)));
      assertEquals(FREE_PER_CONNECTION, sub.getJsonArray("subscribed").size(),
          "each anonymous connection has its own per-user budget: " + sub);
    }
    QuotecastServer.sleep(200);
    assertTrue(anonymous.stream().noneMatch(WsClient::isClosed), "no anonymous connection was closed");
    assertFalse(anonymous.stream().anyMatch(c -> c.messages().stream()
        .anyMatch(m -> "error".equals(m.getString("type")))), "no errors");
    JsonArray subs = anonymous.get(0).ok("list").getJsonArray("subscriptions");
    assertEquals(FREE_PER_CONNECTION, subs.size());
  }
}
