package io.quotecast.app;

import static io.quotecast.app.WsClient.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Authentication on {@code /ws} (PROTOCOL.md §4 {@code auth}, §5 UNAUTHORIZED/FORBIDDEN, §7 token_expiring, §8 1008 and
 * 4001, §9): tokens from the {@code Authorization} header, the {@code token} query parameter or the {@code auth} op;
 * scopes; refresh; expiry. The outer class runs on a node with anonymous access off, {@link Anonymous} on one with it
 * on. Tokens come from {@link TestTokens} (HS256, {@link TestTokens#SECRET}).
 */
class AuthWebSocketTest {
  static final String BUSY = "600519.SH";
  static final String QUOTE = "quote:" + BUSY;
  static final String TRADE = "trade:" + BUSY;
  static final String KLINE = "kline:1m:" + BUSY;

  static QuotecastServer server;
  private final List<WsClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() {
    server = QuotecastServer.start(config -> TestTokens.configure(config, false, true));
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

  private WsClient connect(QuotecastServer node, String uri, io.vertx.core.MultiMap headers) {
    WsClient c = WsClient.connect(node.vertx, node.port, uri, headers);
    clients.add(c);
    return c;
  }

  private WsClient open(QuotecastServer node, String uri, io.vertx.core.MultiMap headers) {
    WsClient c = connect(node, uri, headers);
    c.welcome();
    return c;
  }

  private WsClient openWithBearer(String token) {
    return open(server, "/ws", WsClient.bearer(token));
  }

  static JsonObject user(JsonObject welcome) {
    return welcome.getJsonObject("data").getJsonObject("user");
  }

  static List<String> chs(JsonArray entries) {
    return entries.stream().map(o -> ((JsonObject) o).getString("ch")).toList();
  }

  static JsonObject rejected(JsonObject subscribeResult, String ch) {
    JsonArray rejected = subscribeResult.getJsonArray("rejected", new JsonArray());
    return rejected.stream().map(o -> (JsonObject) o).filter(r -> ch.equals(r.getString("ch"))).findFirst()
        .orElseThrow(() -> new AssertionError(ch + " not rejected: " + subscribeResult.encode()));
  }

  static boolean hasType(JsonObject m, String type) {
    return type.equals(m.getString("type"));
  }

  /**
   * A connection opened with a bad token: an error UNAUTHORIZED with id null that does not echo the token, then close
   * 1008, never a welcome.
   */
  static void assertRefusedAtConnect(RawWebSocket c, String token, String what) {
    // A raw socket parses every frame itself: a refusal sent right after the upgrade cannot be lost to a client
    // library still finishing its connect (which made this test flaky on a loaded machine).
    try (c) {
      c.waitUntil(() -> c.textCount() >= 1, WsClient.WAIT_MS, what + ": the error");
      JsonObject error = new JsonObject(c.firstTexts().get(0));
      assertTrue(hasType(error, "error"), () -> what + ": an error first: " + error);
      assertTrue(error.containsKey("id") && error.getValue("id") == null, () -> what + ": id must be null: " + error);
      JsonObject data = error.getJsonObject("data");
      assertEquals("UNAUTHORIZED", data.getString("code"), () -> what + ": " + error);
      assertNotNull(data.getString("message"), () -> what + ": a message is required: " + error);
      String signature = token.substring(token.lastIndexOf('.') + 1);
      assertFalse(error.encode().contains(token), () -> what + ": the error must not contain the token: " + error);
      assertTrue(signature.length() < 8 || !error.encode().contains(signature),
          () -> what + ": the error must not contain the token's signature: " + error);
      assertEquals(1008, c.awaitClose(WsClient.WAIT_MS), () -> what + ": close code; messages " + c.firstTexts());
      assertTrue(c.firstTexts().stream().map(JsonObject::new).noneMatch(m -> hasType(m, "welcome")),
          () -> what + ": no welcome: " + c.firstTexts());
    }
  }

  private static RawWebSocket raw(QuotecastServer node, String uri, io.vertx.core.MultiMap headers) {
    return RawWebSocket.connect(node.vertx, node.port, uri, headers);
  }

  // ---- connect-time tokens ----------------------------------------------------------------------------------------

  @Test
  void bearerHeaderTokenIsWelcomedWithUserAndTierLimits() {
    long exp = TestTokens.nowSeconds() + 3600;
    String token = TestTokens.token("alice").tier("standard").scopes("md:trade", "md:quote").exp(exp).build();
    WsClient c = openWithBearer(token);
    JsonObject data = c.welcome().getJsonObject("data");
    JsonObject user = data.getJsonObject("user");
    assertNotNull(user, data::encode);
    assertEquals("alice", user.getString("id"), user::encode);
    assertEquals("standard", user.getString("tier"), user::encode);
    assertEquals(false, user.getBoolean("anonymous"), user::encode);
    assertEquals(new JsonArray().add("md:quote").add("md:trade"), user.getJsonArray("scopes"), "sorted scopes");
    assertEquals(exp * 1000, user.getLong("expiresAt"), "expiresAt is exp in epoch ms");

    JsonObject limits = data.getJsonObject("limits");
    assertNotNull(limits, data::encode);
    assertEquals("standard", limits.getString("tier"), limits::encode);
    assertEquals(200, limits.getInteger("subscriptions"), limits::encode);
    assertEquals(1000, limits.getInteger("subscriptionsPerUser"), limits::encode);
    assertEquals(10, limits.getInteger("connectionsPerUser"), limits::encode);
    assertEquals("250ms", limits.getString("minFreq"), limits::encode);
    assertEquals(20, limits.getInteger("requestsPerSecond"), limits::encode);
    assertEquals(65536, limits.getInteger("maxMessageBytes"), limits::encode);
    assertTrue(data.getValue("authRequired") == null || Boolean.FALSE.equals(data.getValue("authRequired")),
        data::encode);

    JsonObject sub = c.ok("subscribe", args("channels", List.of(QUOTE)));
    assertEquals(List.of(QUOTE), chs(sub.getJsonArray("subscribed")), sub::encode);
    assertEquals("250ms", sub.getJsonArray("subscribed").getJsonObject(0).getString("freq"),
        "realtime raised to the standard tier's minFreq");
    c.waitFor(m -> QUOTE.equals(m.getString("ch")), WsClient.WAIT_MS);
  }

  @Test
  void queryTokenWithScopeStringClaim() {
    String token = TestTokens.token("bob").tier("pro").scope("md:trade md:quote").build();
    WsClient c = open(server, "/ws?token=" + token, null);
    JsonObject user = user(c.welcome());
    assertEquals("bob", user.getString("id"), user::encode);
    assertEquals("pro", user.getString("tier"), user::encode);
    assertEquals(new JsonArray().add("md:quote").add("md:trade"), user.getJsonArray("scopes"),
        "the space-separated scope claim, sorted");
    assertEquals("realtime", c.welcome().getJsonObject("data").getJsonObject("limits").getString("minFreq"));

    JsonObject sub = c.ok("subscribe", args("channels", List.of(TRADE, QUOTE, KLINE)));
    assertEquals(List.of(TRADE, QUOTE), chs(sub.getJsonArray("subscribed")), sub::encode);
    assertEquals("realtime", sub.getJsonArray("subscribed").getJsonObject(0).getString("freq"), sub::encode);
    JsonObject k = rejected(sub, KLINE);
    assertEquals("FORBIDDEN", k.getString("code"), k::encode);
    assertEquals("md:kline", k.getString("required"), k::encode);
  }

  @Test
  void invalidTokensAtConnectAreRefusedWith1008() {
    long now = TestTokens.nowSeconds();
    String good = TestTokens.token("mallory").scopes("md:quote").build();
    String[] parts = good.split("\\.");
    String tamperedPayload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        TestTokens.token("admin-wannabe").scopes("md:quote", "admin").claims().encode().getBytes());
    List<String[]> cases = List.of(
        new String[] {"wrong secret", TestTokens.token("mallory").secret("not-the-secret").build()},
        new String[] {"expired", TestTokens.expired("mallory", 30)},
        new String[] {"not yet valid (nbf)", TestTokens.token("mallory").nbf(now + 600).build()},
        new String[] {"alg none", TestTokens.unsigned(TestTokens.token("mallory").claims())},
        new String[] {"tampered payload", parts[0] + "." + tamperedPayload + "." + parts[2]},
        new String[] {"garbage", "not-a-jwt-at-all-1234567890"});
    boolean header = true;
    for (String[] tc : cases) {
      String what = tc[0] + (header ? " (Authorization header)" : " (query parameter)");
      RawWebSocket c = header ? raw(server, "/ws", WsClient.bearer(tc[1])) : raw(server, "/ws?token=" + tc[1], null);
      assertRefusedAtConnect(c, tc[1], what);
      header = !header;
    }
    // the same kinds of failure through the other channel
    assertRefusedAtConnect(raw(server, "/ws?token=" + TestTokens.expired("mallory", 30), null),
        TestTokens.expired("mallory", 30), "expired (query parameter)");
    String wrong = TestTokens.token("mallory").secret("not-the-secret").build();
    assertRefusedAtConnect(raw(server, "/ws?token=" + wrong, null), wrong, "wrong secret (query parameter)");
  }

  // ---- anonymous access off: authenticate with the auth op --------------------------------------------------------

  @Test
  void noTokenGetsAuthRequiredWelcomeThenAuthOpAuthenticates() {
    WsClient c = open(server, "/ws", null);
    JsonObject data = c.welcome().getJsonObject("data");
    assertTrue(data.containsKey("user") && data.getValue("user") == null, () -> "user must be null: " + data);
    assertEquals(Boolean.TRUE, data.getBoolean("authRequired"), data::encode);
    assertEquals(TestTokens.AUTH_TIMEOUT_MS, data.getLong("authTimeoutMs"), data::encode);

    assertEquals("result", c.request("ping").getString("type"), "ping works before auth");
    assertEquals("UNAUTHORIZED", c.error("subscribe", args("channels", List.of(QUOTE)), "UNAUTHORIZED")
        .getString("code"));
    c.error("list", null, "UNAUTHORIZED");
    c.error("snapshot", args("channels", List.of(QUOTE)), "UNAUTHORIZED");
    c.error("unsubscribe", args("all", true), "UNAUTHORIZED");
    c.error("update", args("channels", List.of(QUOTE), "freq", "1s"), "UNAUTHORIZED");
    c.error("resume", args("since", new JsonObject()), "UNAUTHORIZED");
    c.error("ack", args("acks", new JsonObject()), "UNAUTHORIZED");
    c.error("configure", args("batch", 0), "UNAUTHORIZED");
    assertTrue(c.channel(QUOTE).isEmpty(), "no data before auth");

    String token = TestTokens.token("carol").tier("standard").scopes("md:quote", "md:kline").build();
    JsonObject auth = c.ok("auth", args("token", token));
    JsonObject user = auth.getJsonObject("user");
    assertNotNull(user, auth::encode);
    assertEquals("carol", user.getString("id"), auth::encode);
    assertEquals("standard", user.getString("tier"), auth::encode);
    assertEquals(false, user.getBoolean("anonymous"), auth::encode);
    assertEquals(new JsonArray().add("md:kline").add("md:quote"), user.getJsonArray("scopes"), auth::encode);
    JsonObject limits = auth.getJsonObject("limits");
    assertNotNull(limits, auth::encode);
    assertEquals(200, limits.getInteger("subscriptions"), auth::encode);
    assertEquals("250ms", limits.getString("minFreq"), auth::encode);

    JsonObject sub = c.ok("subscribe", args("channels", List.of(QUOTE)));
    assertEquals(List.of(QUOTE), chs(sub.getJsonArray("subscribed")), sub::encode);
    c.waitFor(m -> QUOTE.equals(m.getString("ch")), WsClient.WAIT_MS);

    // authenticated in time: not closed by the auth timeout
    QuotecastServer.sleep(TestTokens.AUTH_TIMEOUT_MS + 700);
    assertFalse(c.isClosed(), "an authenticated connection outlives authTimeoutMs");
    assertEquals("result", c.request("ping").getString("type"));
  }

  @Test
  void noValidTokenWithinAuthTimeoutCloses4001() {
    WsClient c = open(server, "/ws", null);
    String bad = TestTokens.token("dave").secret("wrong").build();
    JsonObject e = c.error("auth", args("token", bad), "UNAUTHORIZED");
    assertFalse(e.encode().contains(bad), "the error must not contain the token");
    assertFalse(c.isClosed(), "an invalid token in auth does not close the connection");
    assertEquals("result", c.request("ping").getString("type"));
    assertEquals(4001, c.awaitClose(TestTokens.AUTH_TIMEOUT_MS + WsClient.WAIT_MS),
        "closed with 4001 after authTimeoutMs without a valid token");
  }

  @Test
  void silentConnectionWithoutTokenCloses4001() {
    WsClient c = open(server, "/ws", null);
    assertEquals(4001, c.awaitClose(TestTokens.AUTH_TIMEOUT_MS + WsClient.WAIT_MS));
  }

  // ---- refresh -----------------------------------------------------------------------------------------------------

  @Test
  void refreshRevokesChannelsWhoseScopeIsGone() {
    WsClient c = openWithBearer(TestTokens.token("erin").tier("pro").scopes("md:quote", "md:trade").build());
    JsonObject sub = c.ok("subscribe", args("channels", List.of(QUOTE, TRADE)));
    assertEquals(List.of(QUOTE, TRADE), chs(sub.getJsonArray("subscribed")), sub::encode);

    long exp = TestTokens.nowSeconds() + 7200;
    JsonObject auth = c.ok("auth", args("token", TestTokens.token("erin").tier("pro").scopes("md:quote").exp(exp)
        .build()));
    assertEquals(new JsonArray().add(TRADE), auth.getJsonArray("revoked"), auth::encode);
    JsonObject user = auth.getJsonObject("user");
    assertEquals("erin", user.getString("id"), auth::encode);
    assertEquals(new JsonArray().add("md:quote"), user.getJsonArray("scopes"), auth::encode);
    assertEquals(exp * 1000, user.getLong("expiresAt"), auth::encode);
    assertNotNull(auth.getJsonObject("limits"), auth::encode);

    JsonArray subs = c.ok("list").getJsonArray("subscriptions");
    assertEquals(List.of(QUOTE), chs(subs), "the trade channel was dropped: " + subs);
    int tradesNow = c.channel(TRADE).size();
    c.waitForChannel(QUOTE, c.channel(QUOTE).size() + 1, WsClient.WAIT_MS);
    QuotecastServer.sleep(300);
    assertTrue(c.channel(TRADE).size() <= tradesNow + 1, "no trade data after the revocation (one in flight at most)");
    JsonObject again = c.ok("subscribe", args("channels", List.of(TRADE)));
    assertEquals("FORBIDDEN", rejected(again, TRADE).getString("code"), again::encode);
  }

  @Test
  void invalidRefreshKeepsThePreviousIdentity() {
    WsClient c = openWithBearer(TestTokens.token("frank").tier("standard").scopes("md:quote", "md:trade").build());
    c.ok("subscribe", args("channels", List.of(TRADE)));

    String wrong = TestTokens.token("frank").tier("pro").scopes("md:quote").secret("nope").build();
    c.error("auth", args("token", wrong), "UNAUTHORIZED");
    c.error("auth", args("token", TestTokens.expired("frank", 10)), "UNAUTHORIZED");
    assertFalse(c.isClosed(), "still open");

    JsonObject list = c.ok("list");
    assertEquals(List.of(TRADE), chs(list.getJsonArray("subscriptions")), list::encode);
    JsonObject sub = c.ok("subscribe", args("channels", List.of(QUOTE)));
    assertEquals(List.of(QUOTE), chs(sub.getJsonArray("subscribed")), "still standard with md:quote: " + sub);
    assertEquals("250ms", sub.getJsonArray("subscribed").getJsonObject(0).getString("freq"), "still standard tier");
  }

  @Test
  void refreshWithAnotherSubjectIsRefused() {
    WsClient c = openWithBearer(TestTokens.token("grace").scopes("md:quote").build());
    c.error("auth", args("token", TestTokens.token("heidi").tier("pro").scopes("md:quote", "md:trade").build()),
        "UNAUTHORIZED");
    assertFalse(c.isClosed());
    JsonObject sub = c.ok("subscribe", args("channels", List.of(TRADE)));
    assertEquals("FORBIDDEN", rejected(sub, TRADE).getString("code"), "still grace's scopes: " + sub);
    JsonObject auth = c.ok("auth", args("token", TestTokens.token("grace").scopes("md:quote", "md:trade").build()));
    assertEquals("grace", auth.getJsonObject("user").getString("id"), auth::encode);
    assertEquals(new JsonArray(), auth.getJsonArray("revoked", new JsonArray()), auth::encode);
  }

  // ---- expiry ------------------------------------------------------------------------------------------------------

  @Test
  void expiringTokenGetsNoticeThenCloses1008() {
    long exp = TestTokens.nowSeconds() + 3;
    WsClient c = openWithBearer(TestTokens.token("ivan").scopes("md:quote").exp(exp).build());
    JsonObject notice = c.waitFor(m -> hasType(m, "notice"), WsClient.WAIT_MS);
    JsonObject data = notice.getJsonObject("data");
    assertEquals("token_expiring", data.getString("event"), notice::encode);
    assertEquals(exp * 1000, data.getLong("expiresAt"), notice::encode);
    assertNotNull(data.getString("message"), notice::encode);
    assertEquals(1008, c.awaitClose(WsClient.WAIT_MS), () -> "closed with 1008 when the token expires: " + c.tail(5));
    assertTrue(c.indexOf(notice) > 0, "the notice came after the welcome");
  }

  @Test
  void tokenFromTheAuthOpExpiresToo() {
    WsClient c = open(server, "/ws", null);
    long exp = TestTokens.nowSeconds() + 3;
    JsonObject auth = c.ok("auth", args("token", TestTokens.token("quinn").scopes("md:quote").exp(exp).build()));
    assertEquals(exp * 1000, auth.getJsonObject("user").getLong("expiresAt"), auth::encode);
    JsonObject notice = c.waitFor(m -> hasType(m, "notice"), WsClient.WAIT_MS);
    assertEquals("token_expiring", notice.getJsonObject("data").getString("event"), notice::encode);
    assertEquals(exp * 1000, notice.getJsonObject("data").getLong("expiresAt"), notice::encode);
    assertEquals(1008, c.awaitClose(WsClient.WAIT_MS), () -> "closed with 1008 at exp: " + c.tail(5));
  }

  @Test
  void tokenAlreadyInsideTheNoticeWindowGetsTheNoticeAtOnce() {
    long exp = TestTokens.nowSeconds() + 2;
    WsClient c = openWithBearer(TestTokens.token("ivy").scopes("md:quote").exp(exp).build());
    JsonObject notice = c.waitFor(m -> hasType(m, "notice") && "token_expiring".equals(
        m.getJsonObject("data").getString("event")), WsClient.WAIT_MS);
    assertEquals(exp * 1000, notice.getJsonObject("data").getLong("expiresAt"), notice::encode);
    assertEquals(1008, c.awaitClose(WsClient.WAIT_MS));
  }

  @Test
  void refreshBeforeExpiryKeepsTheConnectionOpen() {
    long exp = TestTokens.nowSeconds() + 3;
    WsClient c = openWithBearer(TestTokens.token("judy").scopes("md:quote").exp(exp).build());
    c.ok("subscribe", args("channels", List.of(QUOTE)));
    c.waitFor(m -> hasType(m, "notice"), WsClient.WAIT_MS);
    long later = TestTokens.nowSeconds() + 3600;
    JsonObject auth = c.ok("auth", args("token", TestTokens.token("judy").scopes("md:quote").exp(later).build()));
    assertEquals(later * 1000, auth.getJsonObject("user").getLong("expiresAt"), auth::encode);
    assertEquals(new JsonArray(), auth.getJsonArray("revoked", new JsonArray()), auth::encode);

    long waitUntil = exp * 1000 + 1500;
    QuotecastServer.poll(() -> c.isClosed(), Math.max(0, waitUntil - System.currentTimeMillis()));
    assertFalse(c.isClosed(), () -> "the refreshed connection stays open past the first exp: " + c.tail(5));
    assertEquals("result", c.request("ping").getString("type"));
    assertEquals(List.of(QUOTE), chs(c.ok("list").getJsonArray("subscriptions")));
    assertEquals(1, c.messages().stream().filter(m -> hasType(m, "notice")).count(),
        () -> "no further token_expiring notice for the refreshed token: " + c.tail(5));
  }

  @Test
  void refreshCanChangeTheTier() {
    WsClient c = openWithBearer(TestTokens.token("olga").tier("free").scopes("md:quote").build());
    assertEquals("1s", freq(c.ok("subscribe", args("channels", List.of(QUOTE)))));
    JsonObject auth = c.ok("auth", args("token", TestTokens.token("olga").tier("pro").scopes("md:quote").build()));
    assertEquals("pro", auth.getJsonObject("user").getString("tier"), auth::encode);
    JsonObject limits = auth.getJsonObject("limits");
    assertEquals("pro", limits.getString("tier"), auth::encode);
    assertEquals("realtime", limits.getString("minFreq"), auth::encode);
    assertEquals(1000, limits.getInteger("subscriptions"), auth::encode);
    assertEquals(new JsonArray(), auth.getJsonArray("revoked", new JsonArray()), auth::encode);
    assertEquals("realtime", freq(c.ok("subscribe", args("channels", List.of("quote:000001.SZ")))),
        "the new tier's minFreq applies to later requests");
    assertEquals("pro", c.ok("list").getJsonObject("limits").getString("tier"), "list shows the new limits");
  }

  @Test
  void refreshToALowerTierSlowsWhatIsAlreadyFlowing() {
    WsClient c = openWithBearer(TestTokens.token("petra").tier("pro").scopes("md:quote").build());
    assertEquals("realtime", freq(c.ok("subscribe", args("channels", List.of(QUOTE)))));
    JsonObject auth = c.ok("auth", args("token", TestTokens.token("petra").tier("free").scopes("md:quote").build()));
    assertEquals(new JsonArray().add(new JsonObject().put("ch", QUOTE).put("freq", "1s")),
        auth.getJsonArray("updated"), auth::encode);
    JsonObject listed = c.ok("list").getJsonArray("subscriptions").getJsonObject(0);
    assertEquals("1s", listed.getString("freq"), listed::encode);
    // Delivery follows: at most one quote per second from now on (with one second of slack for the period edges).
    int before = c.channel(QUOTE).size();
    QuotecastServer.sleep(2500);
    int during = c.channel(QUOTE).size() - before;
    assertTrue(during <= 4, "a free-tier subscription is delivered at 1s, got " + during + " quotes in 2.5 s");
  }

  static String freq(JsonObject subscribeResult) {
    return subscribeResult.getJsonArray("subscribed").getJsonObject(0).getString("freq");
  }

  @Test
  void longLivedTokenGetsNoExpiryNotice() {
    WsClient c = openWithBearer(TestTokens.token("pete").scopes("md:quote").build());
    c.ok("subscribe", args("channels", List.of(QUOTE)));
    c.waitForChannel(QUOTE, 2, WsClient.WAIT_MS);
    QuotecastServer.sleep(300);
    assertTrue(c.messages().stream().noneMatch(m -> hasType(m, "notice")), () -> "no notice: " + c.tail(5));
    assertFalse(c.isClosed());
  }

  // ---- scopes ------------------------------------------------------------------------------------------------------

  @Test
  void missingScopeRejectsChannelsWithForbidden() {
    WsClient c = openWithBearer(TestTokens.token("ken").tier("pro").scopes("md:quote").build());
    JsonObject sub = c.ok("subscribe", args("channels", List.of(QUOTE, TRADE, KLINE)));
    assertEquals(List.of(QUOTE), chs(sub.getJsonArray("subscribed")), sub::encode);
    JsonObject t = rejected(sub, TRADE);
    assertEquals("FORBIDDEN", t.getString("code"), t::encode);
    assertEquals("md:trade", t.getString("required"), t::encode);
    assertNotNull(t.getString("message"), t::encode);
    JsonObject k = rejected(sub, KLINE);
    assertEquals("FORBIDDEN", k.getString("code"), k::encode);
    assertEquals("md:kline", k.getString("required"), k::encode);
    QuotecastServer.sleep(300);
    assertTrue(c.channel(TRADE).isEmpty() && c.channel(KLINE).isEmpty(), "no data for forbidden channels");

    WsClient d = openWithBearer(TestTokens.token("leo").tier("pro").scopes("md:trade", "md:kline").build());
    JsonObject sub2 = d.ok("subscribe", args("channels", List.of(QUOTE, TRADE, KLINE)));
    assertEquals(List.of(TRADE, KLINE), chs(sub2.getJsonArray("subscribed")), sub2::encode);
    JsonObject q = rejected(sub2, QUOTE);
    assertEquals("FORBIDDEN", q.getString("code"), q::encode);
    assertEquals("md:quote", q.getString("required"), q::encode);
  }

  @Test
  void tokenWithoutScopeOrTierClaimsGetsTheDefaults() {
    WsClient c = openWithBearer(TestTokens.token("mia").build());
    JsonObject user = user(c.welcome());
    assertEquals("free", user.getString("tier"), "auth.defaultTier: " + user);
    assertEquals(new JsonArray().add(TestTokens.DEFAULT_SCOPES), user.getJsonArray("scopes"),
        "auth.defaultScopes: " + user);
    assertEquals("1s", c.welcome().getJsonObject("data").getJsonObject("limits").getString("minFreq"));
    JsonObject sub = c.ok("subscribe", args("channels", List.of(QUOTE, TRADE)));
    assertEquals(List.of(QUOTE), chs(sub.getJsonArray("subscribed")), sub::encode);
    assertEquals("md:trade", rejected(sub, TRADE).getString("required"), sub::encode);
  }

  // ---- anonymous access on -----------------------------------------------------------------------------------------

  /** A node with anonymous access on (anonymousScopes: quote, trade, kline). */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Anonymous {
    QuotecastServer anon;

    @BeforeAll
    void startAnonymous() {
      anon = QuotecastServer.start(config -> TestTokens.configure(config, true, false));
    }

    @AfterAll
    void stopAnonymous() {
      if (anon != null) {
        anon.close();
      }
    }

    @Test
    void noTokenIsTheAnonymousFreeUser() {
      WsClient c = open(anon, "/ws", null);
      JsonObject data = c.welcome().getJsonObject("data");
      JsonObject user = data.getJsonObject("user");
      assertNotNull(user, data::encode);
      assertEquals("anonymous", user.getString("id"), user::encode);
      assertEquals("free", user.getString("tier"), user::encode);
      assertEquals(true, user.getBoolean("anonymous"), user::encode);
      assertTrue(data.getValue("authRequired") == null || Boolean.FALSE.equals(data.getValue("authRequired")),
          data::encode);
      assertEquals(50, data.getJsonObject("limits").getInteger("subscriptions"), data::encode);
      assertEquals("1s", data.getJsonObject("limits").getString("minFreq"), data::encode);

      JsonObject sub = c.ok("subscribe", args("channels", List.of(QUOTE, TRADE, KLINE), "freq", "realtime"));
      assertEquals(List.of(QUOTE, TRADE, KLINE), chs(sub.getJsonArray("subscribed")), "anonymousScopes: " + sub);
      assertEquals("1s", sub.getJsonArray("subscribed").getJsonObject(0).getString("freq"), sub::encode);

      QuotecastServer.sleep(TestTokens.AUTH_TIMEOUT_MS + 500);
      assertFalse(c.isClosed(), "anonymous connections are not subject to the auth timeout");
    }

    @Test
    void invalidTokenIsRefusedEvenWithAnonymousAccess() {
      String wrong = TestTokens.token("mallory").secret("wrong").build();
      assertRefusedAtConnect(raw(anon, "/ws", WsClient.bearer(wrong)), wrong, "wrong secret, anonymous on");
      String expired = TestTokens.expired("mallory", 5);
      assertRefusedAtConnect(raw(anon, "/ws?token=" + expired, null), expired, "expired, anonymous on");
    }

    @Test
    void anonymousConnectionAuthenticatesWithTheAuthOp() {
      WsClient c = open(anon, "/ws", null);
      assertEquals("anonymous", user(c.welcome()).getString("id"));
      JsonObject auth = c.ok("auth", args("token", TestTokens.token("nina").tier("pro").scopes("md:quote").build()));
      assertEquals("nina", auth.getJsonObject("user").getString("id"), auth::encode);
      assertEquals("pro", auth.getJsonObject("limits").getString("tier"), auth::encode);
      assertEquals("realtime", auth.getJsonObject("limits").getString("minFreq"), auth::encode);
      JsonObject sub = c.ok("subscribe", args("channels", List.of(QUOTE, TRADE)));
      assertEquals(List.of(QUOTE), chs(sub.getJsonArray("subscribed")), sub::encode);
      assertEquals("realtime", sub.getJsonArray("subscribed").getJsonObject(0).getString("freq"), sub::encode);
      assertEquals("FORBIDDEN", rejected(sub, TRADE).getString("code"), "nina's scopes now apply: " + sub);
    }

    @Test
    void bearerTokenOverridesAnonymous() {
      WsClient c = open(anon, "/ws", WsClient.bearer(TestTokens.token("oscar").tier("standard").scopes("md:quote")
          .build()));
      JsonObject user = user(c.welcome());
      assertEquals("oscar", user.getString("id"), user::encode);
      assertEquals(false, user.getBoolean("anonymous"), user::encode);
      assertNotEquals(Boolean.TRUE, c.welcome().getJsonObject("data").getValue("authRequired"),
          "no auth required when authenticated");
    }
  }
}
