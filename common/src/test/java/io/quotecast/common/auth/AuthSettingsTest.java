package io.quotecast.common.auth;

import static io.quotecast.common.auth.AuthConfig.auth;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.ConfigLoader;
import io.quotecast.common.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthSettingsTest {
  @TempDir
  Path dir;

  @Test
  void defaults() {
    AuthSettings s = auth();
    assertFalse(s.anonymous());
    assertEquals(Set.of("md:quote", "md:trade", "md:kline"), s.anonymousScopes());
    assertEquals("free", s.defaultTier());
    assertEquals(Set.of(), s.defaultScopes());
    assertEquals(5, s.leewaySeconds());
    assertEquals(10000, s.authTimeoutMs());
    assertEquals(60000, s.expiryNoticeMs());
    assertFalse(s.adminToken());
    assertFalse(s.devTokens());
    assertEquals(86400, s.devTokenMaxTtlSeconds());
    assertFalse(s.hasVerificationKey());
    assertNull(s.signingSecret());
  }

  @Test
  void theShippedDefaultsAreAccepted() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject config = ConfigLoader.load(vertx, null).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      JsonObject shipped = config.getJsonObject("auth").copy();
      shipped.remove("localSecret");
      assertEquals(AuthConfig.defaults().getJsonObject("auth").fieldNames(), shipped.fieldNames(),
          "the test defaults cover every auth key");
      AuthSettings.from(new Settings(config));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void keysAndSigningSecret() throws IOException {
    assertNull(auth("hmacSecret", "h").signingSecret(), "the shared secret never signs local tokens");
    assertTrue(auth("hmacSecret", "h").hasVerificationKey());
    assertEquals("l", auth("hmacSecret", "h", "localSecret", "l").signingSecret());
    assertEquals("l", auth("localSecret", "l").signingSecret());
    assertTrue(auth("localSecret", "l").hasVerificationKey());
    Path pem = Files.writeString(dir.resolve("k.pem"), "x");
    AuthSettings withFile = auth("publicKeyFile", pem.toString());
    assertTrue(withFile.hasVerificationKey());
    assertNull(withFile.signingSecret(), "a public key cannot sign");
    assertTrue(auth("jwksFile", pem.toString()).hasVerificationKey());
  }

  @Test
  void toStringHidesSecrets() {
    String text = auth("hmacSecret", "super-secret-value", "localSecret", "local-secret-value").toString();
    assertFalse(text.contains("super-secret-value"));
    assertFalse(text.contains("local-secret-value"));
  }

  @Test
  void valuesAreNormalised() {
    AuthSettings s = auth("defaultTier", " PRO ", "defaultScopes", "md:quote,md:kline", "issuer", " iss ",
        "leewaySeconds", "600", "authTimeoutMs", 0, "expiryNoticeMs", 0);
    assertEquals("pro", s.defaultTier());
    assertEquals(Set.of("md:quote", "md:kline"), s.defaultScopes());
    assertEquals("iss", s.issuer());
    assertEquals(600, s.leewaySeconds());
  }

  @Test
  void invalidValuesNameTheirKey() {
    String message = assertRejected("auth.defaultTier", "defaultTier", "gold").getMessage();
    assertTrue(message.contains("not allowed") && message.contains("[free, standard, pro]"), message);
    assertRejected("auth.leewaySeconds", "leewaySeconds", 601);
    assertRejected("auth.leewaySeconds", "leewaySeconds", -1);
    assertRejected("auth.leewaySeconds", "leewaySeconds", "soon");
    assertRejected("auth.authTimeoutMs", "authTimeoutMs", -1);
    assertRejected("auth.expiryNoticeMs", "expiryNoticeMs", -5);
    assertRejected("auth.devTokenMaxTtlSeconds", "devTokenMaxTtlSeconds", 0);
    assertRejected("auth.defaultScopes", "defaultScopes", "md:quote md:everything");
    assertRejected("auth.anonymousScopes", "anonymousScopes", "root");
    assertRejected("auth.anonymous", "anonymous", "maybe");
    assertRejected("auth.devTokens", "devTokens", "yes please");
    assertRejected("auth.adminToken", "adminToken", "2");
  }

  @Test
  void keyFilesMustBeReadable() {
    String missing = dir.resolve("missing.pem").toString();
    IllegalArgumentException e = assertRejected("auth.publicKeyFile", "publicKeyFile", missing);
    assertTrue(e.getMessage().contains(missing), e.getMessage());
    e = assertRejected("auth.jwksFile", "jwksFile", missing);
    assertTrue(e.getMessage().contains(missing), e.getMessage());
    assertRejected("auth.jwksFile", "jwksFile", dir.toString()); // a directory is not a key file
  }

  @Test
  void missingKeyIsNamed() {
    JsonObject root = AuthConfig.defaults();
    root.getJsonObject("auth").remove("issuer");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AuthSettings.from(new Settings(root)));
    assertTrue(e.getMessage().contains("auth.issuer"), e.getMessage());
  }

  @Test
  void shortHmacSecretIsOnlyWarnedAbout() {
    assertEquals("short", auth("hmacSecret", "short").hmacSecret());
  }

  private static IllegalArgumentException assertRejected(String key, Object... keyValues) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> auth(keyValues));
    assertTrue(e.getMessage().startsWith("config key " + key), e.getMessage());
    return e;
  }
}
