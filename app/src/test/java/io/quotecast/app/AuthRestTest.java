package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The REST API under {@code /api/v1} with the same token verifier as the WebSocket: scopes per resource (403
 * FORBIDDEN with {@code required}), 401 UNAUTHORIZED with {@code WWW-Authenticate: Bearer}, and
 * {@code POST /api/v1/auth/dev-token}. The outer class: anonymous access off, dev tokens on; {@link Anonymous}:
 * anonymous access on, dev tokens off.
 */
class AuthRestTest {
  static final String QUOTE = "/api/v1/quotes/600519.SH";
  static final String KLINES = "/api/v1/klines/600519.SH?interval=1m";
  static final String TRADES = "/api/v1/trades/600519.SH";
  static final String DEV_TOKEN = "/api/v1/auth/dev-token";

  static QuotecastServer server;

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

  static HttpResponse<Buffer> get(QuotecastServer node, String uri, String token) {
    HttpRequest<Buffer> request = node.http.get(uri);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    return QuotecastServer.await(request.send(), QuotecastServer.TIMEOUT_S);
  }

  static HttpResponse<Buffer> postDevToken(QuotecastServer node, JsonObject body) {
    return QuotecastServer.await(node.http.post(DEV_TOKEN).sendJsonObject(body), QuotecastServer.TIMEOUT_S);
  }

  /** Asserts an RFC 9457 problem with {@code status} and {@code code}; returns it. */
  static JsonObject problem(HttpResponse<Buffer> r, int status, String code) {
    assertEquals(status, r.statusCode(), r::bodyAsString);
    String type = r.getHeader("Content-Type");
    assertTrue(type != null && type.startsWith("application/problem+json"), () -> "Content-Type " + type);
    JsonObject p = r.bodyAsJsonObject();
    assertEquals(code, p.getString("code"), p::encode);
    return p;
  }

  static JsonObject ok(HttpResponse<Buffer> r) {
    assertEquals(200, r.statusCode(), r::bodyAsString);
    String type = r.getHeader("Content-Type");
    assertTrue(type != null && type.startsWith("application/json"), () -> "Content-Type " + type);
    return r.bodyAsJsonObject();
  }

  static void assertUnauthorized(HttpResponse<Buffer> r, String what) {
    assertEquals(401, r.statusCode(), () -> what + ": " + r.bodyAsString());
    problem(r, 401, "UNAUTHORIZED");
    String challenge = r.getHeader("WWW-Authenticate");
    assertNotNull(challenge, what + ": WWW-Authenticate header");
    assertTrue(challenge.startsWith("Bearer"), () -> what + ": WWW-Authenticate " + challenge);
  }

  private static String scoped(String... scopes) {
    return TestTokens.token("rita").tier("standard").scopes(scopes).build();
  }

  @Test
  void eachMarketDataResourceNeedsItsScope() {
    String all = scoped("md:quote", "md:kline", "md:trade");
    assertEquals("quote:600519.SH", ok(get(server, QUOTE, all)).getString("ch"));
    assertNotNull(ok(get(server, KLINES, all)));
    assertNotNull(ok(get(server, TRADES, all)));

    String[][] cases = {{QUOTE, "md:quote"}, {KLINES, "md:kline"}, {TRADES, "md:trade"}};
    for (String[] c : cases) {
      List<String> others = List.of("md:quote", "md:kline", "md:trade").stream().filter(s -> !s.equals(c[1])).toList();
      String token = scoped(others.toArray(String[]::new));
      JsonObject p = problem(get(server, c[0], token), 403, "FORBIDDEN");
      assertEquals(c[1], p.getString("required"), () -> c[0] + ": " + p.encode());
      assertEquals(403, p.getInteger("status"), p::encode);
      assertEquals(200, get(server, c[0], scoped(c[1])).statusCode(), () -> c[0] + " with exactly " + c[1]);
    }
  }

  @Test
  void symbolsAndStatusNeedAnyValidPrincipal() {
    String tradeOnly = scoped("md:trade");
    JsonObject symbols = ok(get(server, "/api/v1/symbols?q=600519", tradeOnly));
    assertFalse(symbols.getJsonArray("results").isEmpty(), symbols::encode);
    assertEquals("贵州茅台", ok(get(server, "/api/v1/symbols/600519.SH", tradeOnly)).getString("name"));
    assertEquals(1, ok(get(server, "/api/v1/status", tradeOnly)).getInteger("protocol"));

    assertUnauthorized(get(server, "/api/v1/symbols?q=600519", null), "symbols without a token");
    assertUnauthorized(get(server, "/api/v1/status", null), "status without a token");
  }

  @Test
  void noTokenIsUnauthorizedWhenAnonymousAccessIsOff() {
    for (String uri : List.of(QUOTE, KLINES, TRADES)) {
      assertUnauthorized(get(server, uri, null), uri + " without a token");
    }
  }

  @Test
  void invalidTokensAreUnauthorized() {
    String wrong = TestTokens.token("rita").scopes("md:quote").secret("wrong").build();
    String expired = TestTokens.expired("rita", 30);
    String alg = TestTokens.unsigned(TestTokens.token("rita").scopes("md:quote").claims());
    for (String token : List.of(wrong, expired, alg, "garbage")) {
      HttpResponse<Buffer> r = get(server, QUOTE, token);
      assertUnauthorized(r, "token " + token);
      assertFalse(r.bodyAsString().contains(token), "the problem must not echo the token");
    }
    HttpResponse<Buffer> basic = QuotecastServer.await(server.http.get(QUOTE)
        .putHeader("Authorization", "Basic cml0YTpzZWNyZXQ=").send(), QuotecastServer.TIMEOUT_S);
    assertEquals(401, basic.statusCode(), "a non-Bearer Authorization is no token: " + basic.bodyAsString());
  }

  @Test
  void devTokenIsIssuedAndWorksOnWebSocketAndRest() {
    JsonObject body = new JsonObject().put("sub", "alice").put("tier", "standard")
        .put("scopes", new JsonArray().add("md:quote")).put("ttlSeconds", 600);
    JsonObject issued = ok(postDevToken(server, body));
    String token = issued.getString("token");
    assertNotNull(token, issued::encode);
    assertEquals(3, token.split("\\.").length, "a JWT: " + token);
    assertEquals("Bearer", issued.getString("tokenType"), issued::encode);
    assertEquals(600, issued.getInteger("expiresIn"), issued::encode);
    JsonObject user = issued.getJsonObject("user");
    assertNotNull(user, issued::encode);
    assertEquals("alice", user.getString("id"), issued::encode);
    assertEquals("standard", user.getString("tier"), issued::encode);
    assertEquals(new JsonArray().add("md:quote"), user.getJsonArray("scopes"), issued::encode);

    try (WsClient c = WsClient.open(server.vertx, server.port, "/ws", WsClient.bearer(token))) {
      JsonObject wsUser = c.welcome().getJsonObject("data").getJsonObject("user");
      assertNotNull(wsUser, () -> c.welcome().encode());
      assertEquals("alice", wsUser.getString("id"), wsUser::encode);
      assertEquals("standard", wsUser.getString("tier"), wsUser::encode);
      assertEquals(new JsonArray().add("md:quote"), wsUser.getJsonArray("scopes"), wsUser::encode);
      long expiresAt = wsUser.getLong("expiresAt");
      long expected = System.currentTimeMillis() + 600_000;
      assertTrue(Math.abs(expiresAt - expected) < 120_000, "expiresAt about now + ttl: " + wsUser);
    }
    assertEquals(200, get(server, QUOTE, token).statusCode());
    assertEquals("md:trade", problem(get(server, TRADES, token), 403, "FORBIDDEN").getString("required"));
  }

  @Test
  void devTokenWithTheAdminScopeIsForbidden() {
    JsonObject body = new JsonObject().put("sub", "eve").put("tier", "pro")
        .put("scopes", new JsonArray().add("md:quote").add("admin")).put("ttlSeconds", 600);
    HttpResponse<Buffer> r = postDevToken(server, body);
    problem(r, 403, "FORBIDDEN");
    assertFalse(r.bodyAsString().contains("\"token\""), "no token issued: " + r.bodyAsString());
  }

  /** A node with anonymous access on and dev tokens off. */
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
    void noTokenIsAnonymousWithTheAnonymousScopes() {
      assertEquals("quote:600519.SH", ok(get(anon, QUOTE, null)).getString("ch"));
      assertEquals(200, get(anon, TRADES, null).statusCode());
      assertEquals(200, get(anon, KLINES, null).statusCode());
      assertEquals(200, get(anon, "/api/v1/status", null).statusCode());
    }

    @Test
    void invalidTokenIsUnauthorizedEvenWithAnonymousAccess() {
      assertUnauthorized(get(anon, QUOTE, TestTokens.token("rita").scopes("md:quote").secret("wrong").build()),
          "wrong secret");
      assertUnauthorized(get(anon, QUOTE, TestTokens.expired("rita", 30)), "expired");
    }

    @Test
    void aValidTokenStillDecidesTheScopes() {
      String tradeOnly = TestTokens.token("rita").scopes("md:trade").build();
      assertEquals("md:quote", problem(get(anon, QUOTE, tradeOnly), 403, "FORBIDDEN").getString("required"));
      assertEquals(200, get(anon, TRADES, tradeOnly).statusCode());
    }

    @Test
    void devTokenRouteDoesNotExistWhenDisabled() {
      JsonObject body = new JsonObject().put("sub", "alice").put("tier", "standard")
          .put("scopes", new JsonArray().add("md:quote")).put("ttlSeconds", 600);
      HttpResponse<Buffer> r = postDevToken(anon, body);
      assertEquals(404, r.statusCode(), r::bodyAsString);
      assertFalse(r.bodyAsString().contains("\"token\""), r::bodyAsString);
    }
  }
}
