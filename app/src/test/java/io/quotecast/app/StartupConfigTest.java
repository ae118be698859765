package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.ConfigLoader;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.Settings;
import io.quotecast.common.auth.AuthSettings;
import io.quotecast.common.auth.TokenIssuer;
import io.quotecast.common.auth.TokenVerifier;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A node refuses to start on a bad configuration, with a message naming the key, before anything listens. */
class StartupConfigTest {
  static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String failure(Consumer<JsonObject> change) throws Exception {
    JsonObject config = ConfigLoader.load(vertx, null).toCompletionStage().toCompletableFuture().get(10,
        TimeUnit.SECONDS);
    change.accept(config);
    Future<?> deployed = Quotecast.deploy(vertx, config, EnumSet.allOf(Role.class));
    assertTrue(deployed.failed(), "deploy must fail at once, before starting anything");
    assertNotNull(deployed.cause().getMessage());
    return deployed.cause().getMessage();
  }

  @Test
  void devAndAdminTokensAreNeverSignedWithTheSharedSecret() throws Exception {
    JsonObject config = ConfigLoader.load(vertx, null).toCompletionStage().toCompletableFuture().get(10,
        TimeUnit.SECONDS);
    config.getJsonObject("auth").put("hmacSecret", TestTokens.SECRET).put("devTokens", true);
    AuthSettings auth = AuthSettings.from(new Settings(Quotecast.prepare(config)));
    assertNotNull(auth.signingSecret(), "a per-process secret signs dev and admin tokens");
    assertNotEquals(TestTokens.SECRET, auth.signingSecret());
    String devToken = TokenIssuer.local(auth).issue("mallory", "pro", java.util.List.of("md:quote"), 60);
    TokenVerifier sharedOnly = TokenVerifier.create(vertx, AuthSettings.from(new Settings(config)));
    assertThrows(ProtocolException.class, () -> sharedOnly.verifyNow(devToken),
        "a service that only knows the shared secret refuses this process's dev tokens");

    config.getJsonObject("auth").put("issuer", "https://issuer.example").put("audience", "quotecast");
    AuthSettings checked = AuthSettings.from(new Settings(Quotecast.prepare(config)));
    String withClaims = TokenIssuer.local(checked).issue("mallory", "pro", java.util.List.of("md:quote"), 60);
    assertEquals("mallory", TokenVerifier.create(vertx, checked).verifyNow(withClaims).userId(),
        "local tokens carry the configured iss and aud, so the verifier's checks accept them");
  }

  @Test
  void tokensRequiredButNoKeyToCheckThem() throws Exception {
    String message = failure(c -> c.getJsonObject("auth").put("anonymous", false).put("adminToken", false)
        .put("devTokens", false));
    assertTrue(message.contains("auth.anonymous") && message.contains("auth.hmacSecret"), message);
  }

  @Test
  void badLogLevel() throws Exception {
    String message = failure(c -> c.getJsonObject("log").put("level", "LOUD"));
    assertTrue(message.contains("log.level") && message.contains("INFO") && message.contains("LOUD"), message);
  }

  @Test
  void badTierValue() throws Exception {
    String message = failure(c -> c.getJsonObject("tiers").getJsonObject("standard").put("connectionsPerUser", 0));
    assertTrue(message.contains("tiers.standard.connectionsPerUser") && message.contains("from 1"), message);
  }

  @Test
  void missingPublicKeyFile() throws Exception {
    String message = failure(c -> c.getJsonObject("auth").put("publicKeyFile", "/nonexistent/key.pem"));
    assertTrue(message.contains("auth.publicKeyFile") && message.contains("/nonexistent/key.pem"), message);
  }

  @Test
  void admissionKeys() throws Exception {
    String proxies = failure(c -> c.getJsonObject("gateway").put("trustedProxies", "10.0.0.5, lb.example.com"));
    assertTrue(proxies.contains("gateway.trustedProxies") && proxies.contains("lb.example.com"), proxies);
    String rate = failure(c -> c.getJsonObject("limits").put("connectionsPerIpPerSecond", -1));
    assertTrue(rate.contains("limits.connectionsPerIpPerSecond"), rate);
    String deadline = failure(c -> c.getJsonObject("gateway").put("handshakeTimeoutMs", -5));
    assertTrue(deadline.contains("gateway.handshakeTimeoutMs"), deadline);
  }
}
