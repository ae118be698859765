package io.quotecast.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An HS256 JWT mint for the tests, independent of the implementation: {@code base64url(header) "." base64url(claims)
 * "." base64url(HMAC-SHA256(secret, signingInput))}, unpadded, with header {@code {"alg":"HS256","typ":"JWT"}} and
 * compact JSON, as PyJWT ({@code jwt.encode(claims, secret, algorithm="HS256")}) writes it. Times are epoch seconds.
 */
final class TestTokens {
  /** The shared secret the auth test nodes are configured with ({@code auth.hmacSecret}). */
  static final String SECRET = "quotecast-test-secret-0123456789abcdef";

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private TestTokens() {}

  /**
   * Test-node config for the auth tests: HS256 with {@link #SECRET}, leeway 0, auth timeout {@value #AUTH_TIMEOUT_MS}
   * ms, expiry notice {@value #EXPIRY_NOTICE_MS} ms, default scopes {@value #DEFAULT_SCOPES}, no admin token, dev
   * tokens as given; small backfill and a quiet simulator (fast start). Returns the {@code auth} object for more.
   */
  static JsonObject configure(JsonObject config, boolean anonymous, boolean devTokens) {
    JsonObject auth = config.getJsonObject("auth");
    if (auth == null) {
      auth = new JsonObject();
      config.put("auth", auth);
    }
    auth.put("anonymous", anonymous)
        .put("anonymousScopes", "md:quote md:trade md:kline")
        .put("hmacSecret", SECRET)
        .put("publicKeyFile", "")
        .put("jwksFile", "")
        .put("issuer", "")
        .put("audience", "")
        .put("leewaySeconds", 0)
        .put("defaultTier", "free")
        .put("defaultScopes", DEFAULT_SCOPES)
        .put("authTimeoutMs", AUTH_TIMEOUT_MS)
        .put("expiryNoticeMs", EXPIRY_NOTICE_MS)
        .put("adminToken", false)
        .put("devTokens", devTokens)
        .put("devTokenMaxTtlSeconds", 86400);
    JsonObject backfill = config.getJsonObject("backfill");
    if (backfill == null) {
      backfill = new JsonObject();
      config.put("backfill", backfill);
    }
    backfill.put("dailyBars", 5).put("minuteBars", 5);
    config.getJsonObject("simulator").put("updatesPerSecond", 500);
    return auth;
  }

  static final long AUTH_TIMEOUT_MS = 1500;
  static final long EXPIRY_NOTICE_MS = 2000;
  static final String DEFAULT_SCOPES = "md:quote";

  static long nowSeconds() {
    return System.currentTimeMillis() / 1000;
  }

  /** Signs {@code claims} with {@code secret} (HS256). */
  static String sign(String secret, JsonObject claims) {
    return sign(secret, new JsonObject().put("alg", "HS256").put("typ", "JWT"), claims);
  }

  /** Signs with an arbitrary header (its {@code alg} is not looked at: the signature is always HMAC-SHA256). */
  static String sign(String secret, JsonObject header, JsonObject claims) {
    String input = b64(header.encode()) + "." + b64(claims.encode());
    return input + "." + B64.encodeToString(hmac(secret, input));
  }

  /** An unsigned {@code alg: none} token (must be refused). */
  static String unsigned(JsonObject claims) {
    return b64(new JsonObject().put("alg", "none").put("typ", "JWT").encode()) + "." + b64(claims.encode()) + ".";
  }

  /** A token with arbitrary claims, signed with {@link #SECRET}. */
  static String withClaims(JsonObject claims) {
    return sign(SECRET, claims);
  }

  /** A token for {@code sub} that expired {@code agoSeconds} ago (issued an hour before). */
  static String expired(String sub, long agoSeconds) {
    long now = nowSeconds();
    return token(sub).iat(now - 3600).exp(now - agoSeconds).scopes("md:quote", "md:trade", "md:kline").build();
  }

  static Builder token(String sub) {
    return new Builder(sub);
  }

  private static String b64(String json) {
    return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] hmac(String secret, String input) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Claims {@code sub}, {@code iat} = now and {@code exp} = now + 1 h unless set otherwise. */
  static final class Builder {
    private final JsonObject claims = new JsonObject();
    private String secret = SECRET;

    private Builder(String sub) {
      long now = nowSeconds();
      if (sub != null) {
        claims.put("sub", sub);
      }
      claims.put("exp", now + 3600).put("iat", now);
    }

    Builder exp(long epochSeconds) {
      claims.put("exp", epochSeconds);
      return this;
    }

    /** exp = now + {@code seconds}. */
    Builder ttl(long seconds) {
      return exp(nowSeconds() + seconds);
    }

    Builder iat(long epochSeconds) {
      claims.put("iat", epochSeconds);
      return this;
    }

    Builder nbf(long epochSeconds) {
      claims.put("nbf", epochSeconds);
      return this;
    }

    Builder tier(String tier) {
      claims.put("tier", tier);
      return this;
    }

    /** The {@code scopes} claim, a JSON array. */
    Builder scopes(String... scopes) {
      claims.put("scopes", new JsonArray(List.of((Object[]) scopes)));
      return this;
    }

    /** The OAuth2 {@code scope} claim, one space-separated string. */
    Builder scope(String spaceSeparated) {
      claims.put("scope", spaceSeparated);
      return this;
    }

    Builder claim(String name, Object value) {
      claims.put(name, value);
      return this;
    }

    Builder without(String name) {
      claims.remove(name);
      return this;
    }

    Builder secret(String secret) {
      this.secret = secret;
      return this;
    }

    JsonObject claims() {
      return claims.copy();
    }

    String build() {
      return sign(secret, claims);
    }
  }
}
