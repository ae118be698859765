package io.quotecast.common.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs HS256 tokens for the dev-token endpoint and the one-time admin token, in the shape PyJWT writes them, so
 * {@link TokenVerifier} (configured with the same secret) accepts them like the FastAPI service's tokens.
 * Plain JDK HMAC: vertx-auth-jwt would need a Vert.x instance and adds claims of its own.
 */
public final class TokenIssuer {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final String HEADER = B64.encodeToString(
      "{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

  private final SecretKeySpec key;
  private final Clock clock;
  private String issuer = "";
  private String audience = "";

  public TokenIssuer(String secret) {
    this(secret, Clock.systemUTC());
  }

  /**
   * The issuer of this process's dev and admin tokens: signed with the per-process secret and carrying the
   * configured {@code iss}/{@code aud}, so the verifier's issuer and audience checks accept them.
   */
  public static TokenIssuer local(AuthSettings auth) {
    TokenIssuer issuer = new TokenIssuer(auth.signingSecret());
    issuer.issuer = auth.issuer();
    issuer.audience = auth.audience();
    return issuer;
  }

  TokenIssuer(String secret, Clock clock) {
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("an HS256 signing secret is required");
    }
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.clock = clock;
  }

  /** A token with claims {@code sub}, {@code tier}, {@code scopes} (a list), {@code iat} and {@code exp}. */
  public String issue(String subject, String tier, Collection<String> scopes, long ttlSeconds) {
    if (subject == null || subject.isBlank()) {
      throw new IllegalArgumentException("subject must not be empty");
    }
    if (!TierLimits.NAMES.contains(tier)) {
      throw new IllegalArgumentException("tier must be one of " + TierLimits.NAMES + ", got '" + tier + "'");
    }
    if (ttlSeconds <= 0) {
      throw new IllegalArgumentException("ttlSeconds must be positive, got " + ttlSeconds);
    }
    for (String scope : scopes) {
      if (scope == null || scope.isEmpty() || scope.matches(".*[\\s,].*")) {
        throw new IllegalArgumentException("scopes must be single words, got '" + scope + "'");
      }
    }
    long now = clock.millis() / 1000;
    JsonObject claims = new JsonObject().put("sub", subject).put("tier", tier)
        .put("scopes", new JsonArray(new ArrayList<>(new LinkedHashSet<>(scopes))))
        .put("iat", now).put("exp", Math.addExact(now, ttlSeconds));
    if (!issuer.isEmpty()) {
      claims.put("iss", issuer);
    }
    if (!audience.isEmpty()) {
      claims.put("aud", audience);
    }
    String input = HEADER + "." + B64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    return input + "." + B64.encodeToString(hmac(input));
  }

  private byte[] hmac(String input) {
    try {
      // a Mac per call: Mac instances are not thread-safe and this is far from any hot path
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
