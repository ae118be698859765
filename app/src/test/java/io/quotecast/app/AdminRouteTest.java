package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /admin/*} on the monitor port needs a Bearer token with scope {@code admin}, even where anonymous access is
 * on; {@code GET /admin/config} shows the effective config with secrets masked. Health probes stay open.
 */
class AdminRouteTest {
  static QuotecastServer server;

  @BeforeAll
  static void start() {
    server = QuotecastServer.start(config -> TestTokens.configure(config, true, false));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static HttpResponse<Buffer> monitor(String uri, String token) {
    HttpRequest<Buffer> request = server.http.get(server.monitorPort, "127.0.0.1", uri);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    return QuotecastServer.await(request.send(), QuotecastServer.TIMEOUT_S);
  }

  @Test
  void noTokenIsUnauthorizedEvenWithAnonymousAccess() {
    HttpResponse<Buffer> r = monitor("/admin/config", null);
    assertEquals(401, r.statusCode(), r::bodyAsString);
    assertFalse(r.bodyAsString().contains(TestTokens.SECRET), "no config leaks: " + r.bodyAsString());
  }

  @Test
  void invalidTokenIsUnauthorized() {
    String wrong = TestTokens.token("root").scopes("admin").secret("not-the-secret").build();
    HttpResponse<Buffer> r = monitor("/admin/config", wrong);
    assertEquals(401, r.statusCode(), r::bodyAsString);
    HttpResponse<Buffer> expired = monitor("/admin/config",
        TestTokens.token("root").scopes("admin").iat(TestTokens.nowSeconds() - 600)
            .exp(TestTokens.nowSeconds() - 60).build());
    assertEquals(401, expired.statusCode(), expired::bodyAsString);
  }

  @Test
  void tokenWithoutAdminScopeIsForbidden() {
    String token = TestTokens.token("user").tier("pro").scopes("md:quote", "md:trade", "md:kline").build();
    HttpResponse<Buffer> r = monitor("/admin/config", token);
    assertEquals(403, r.statusCode(), r::bodyAsString);
    assertFalse(r.bodyAsString().contains(TestTokens.SECRET), "no config leaks: " + r.bodyAsString());
  }

  @Test
  void adminTokenSeesTheEffectiveConfigWithSecretsMasked() {
    String token = TestTokens.token("root").scopes("admin").build();
    HttpResponse<Buffer> r = monitor("/admin/config", token);
    assertEquals(200, r.statusCode(), r::bodyAsString);
    String text = r.bodyAsString();
    assertFalse(text.contains(TestTokens.SECRET), "the HMAC secret must be masked: " + text);
    JsonObject body = r.bodyAsJsonObject();
    // the effective config, possibly wrapped: find the tree that holds "auth"
    JsonObject config = body.containsKey("auth") ? body : body.getJsonObject("config");
    assertNotNull(config, () -> "no config tree in " + text);
    assertEquals("****", config.getJsonObject("auth").getString("hmacSecret"), text);
    assertEquals(server.port, config.getJsonObject("gateway").getInteger("port"), "the effective (overridden) port");
    assertEquals(TestTokens.AUTH_TIMEOUT_MS, config.getJsonObject("auth").getLong("authTimeoutMs"), text);

    String scopeString = TestTokens.token("root2").scope("md:quote admin").build();
    assertEquals(200, monitor("/admin/config", scopeString).statusCode(), "admin in the scope string works too");
  }

  @Test
  void healthStaysOpen() {
    HttpResponse<Buffer> live = monitor("/health/live", null);
    assertEquals(200, live.statusCode(), live::bodyAsString);
    assertEquals("UP", live.bodyAsJsonObject().getString("status"));
  }
}
