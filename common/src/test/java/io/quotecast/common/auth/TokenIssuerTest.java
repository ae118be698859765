package io.quotecast.common.auth;

import static io.quotecast.common.auth.AuthConfig.auth;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quotecast.common.ProtocolException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TokenIssuerTest {
  static final long NOW = TokenVerifierTest.NOW;
  static final String SECRET = "dev-token-secret-0123456789abcdefghijkl";
  static Vertx vertx;

  final TokenIssuer issuer = new TokenIssuer(SECRET, TokenVerifierTest.CLOCK);

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static TokenVerifier verifierAt(long epochSeconds, Object... keyValues) {
    return TokenVerifier.create(vertx, auth(keyValues), Clock.fixed(Instant.ofEpochSecond(epochSeconds),
        ZoneOffset.UTC));
  }

  @Test
  void issuedTokensVerify() {
    String token = issuer.issue("dev-1", "pro", List.of("md:quote", "md:kline"), 600);
    Principal p = verifierAt(NOW, "hmacSecret", SECRET).verifyNow(token);
    assertEquals(new Principal("dev-1", "pro", Set.of("md:quote", "md:kline"), false, (NOW + 600) * 1000), p);
  }

  @Test
  void signedWithTheLocalSecretVerifiesAgainstIt() {
    String local = "generated-at-start-abcdefghijklmnopqrstuvwxyz";
    String token = new TokenIssuer(local, TokenVerifierTest.CLOCK).issue("admin", "pro", List.of("admin"), 60);
    assertEquals(Set.of("admin"), verifierAt(NOW, "hmacSecret", SECRET, "localSecret", local)
        .verifyNow(token).scopes());
    assertEquals("invalid token", assertThrows(ProtocolException.class,
        () -> verifierAt(NOW, "hmacSecret", SECRET).verifyNow(token)).getMessage());
  }

  @Test
  void expiresAfterTheTtl() {
    String token = issuer.issue("u", "free", List.of(), 60);
    verifierAt(NOW + 60 + 4, "hmacSecret", SECRET).verifyNow(token); // within the default 5 s leeway
    assertEquals("token expired", assertThrows(ProtocolException.class,
        () -> verifierAt(NOW + 60 + 5, "hmacSecret", SECRET).verifyNow(token)).getMessage());
  }

  @Test
  void shapeAsPyJwtWritesIt() throws Exception {
    String token = issuer.issue("u-7", "standard", List.of("md:trade", "md:trade", "md:quote"), 3600);
    String[] parts = token.split("\\.");
    assertEquals(3, parts.length);
    Base64.Decoder d = Base64.getUrlDecoder();
    assertEquals(new JsonObject().put("alg", "HS256").put("typ", "JWT"),
        new JsonObject(new String(d.decode(parts[0]), StandardCharsets.UTF_8)));
    assertEquals(new JsonObject().put("sub", "u-7").put("tier", "standard")
            .put("scopes", new JsonArray().add("md:trade").add("md:quote")).put("iat", NOW).put("exp", NOW + 3600),
        new JsonObject(new String(d.decode(parts[1]), StandardCharsets.UTF_8)));
    // the independent mint signs the same header and claims bytes to the same signature
    String header = new String(d.decode(parts[0]), StandardCharsets.UTF_8);
    String claims = new String(d.decode(parts[1]), StandardCharsets.UTF_8);
    assertEquals(token, TestTokens.hmac("HmacSHA256", SECRET.getBytes(StandardCharsets.UTF_8), header, claims));
    assertEquals(-1, token.indexOf('='), "unpadded base64url");
  }

  @Test
  void badArguments() {
    assertThrows(IllegalArgumentException.class, () -> new TokenIssuer(""));
    assertThrows(IllegalArgumentException.class, () -> new TokenIssuer(null));
    assertThrows(IllegalArgumentException.class, () -> issuer.issue("", "free", List.of(), 60));
    assertThrows(IllegalArgumentException.class, () -> issuer.issue("u", "gold", List.of(), 60));
    assertThrows(IllegalArgumentException.class, () -> issuer.issue("u", "free", List.of(), 0));
    assertThrows(IllegalArgumentException.class, () -> issuer.issue("u", "free", List.of("md:quote md:trade"), 60));
    assertThrows(IllegalArgumentException.class, () -> issuer.issue("u", "free", Arrays.asList("a", null), 60));
  }
}
