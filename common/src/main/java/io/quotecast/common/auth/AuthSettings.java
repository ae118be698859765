package io.quotecast.common.auth;

import io.quotecast.common.ConfigKeys;
import io.quotecast.common.Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code auth.*} configuration, read and checked once. Empty strings mean "not configured" (as in the defaults).
 * {@link #toString()} never shows the secrets.
 *
 * @param localSecret {@code auth.localSecret}: the per-process HS256 secret the app may add at start; "" when absent
 */
public record AuthSettings(boolean anonymous, Set<String> anonymousScopes, String hmacSecret, String publicKeyFile,
                           String jwksFile, String localSecret, String issuer, String audience, long leewaySeconds,
                           String defaultTier, Set<String> defaultScopes, long authTimeoutMs, long expiryNoticeMs,
                           boolean adminToken, boolean devTokens, long devTokenMaxTtlSeconds) {
  private static final Logger LOG = LoggerFactory.getLogger(AuthSettings.class);
  /** Below this many bytes an HS256 secret is brute-forceable (RFC 7518 §3.2 asks for at least the hash size). */
  static final int MIN_SECRET_BYTES = 32;

  public AuthSettings {
    anonymousScopes = Set.copyOf(anonymousScopes);
    defaultScopes = Set.copyOf(defaultScopes);
    hmacSecret = hmacSecret == null ? "" : hmacSecret;
    publicKeyFile = publicKeyFile == null ? "" : publicKeyFile.trim();
    jwksFile = jwksFile == null ? "" : jwksFile.trim();
    localSecret = localSecret == null ? "" : localSecret;
    issuer = issuer == null ? "" : issuer;
    audience = audience == null ? "" : audience;
  }

  /** Reads every {@code auth.*} key; a bad value fails with an {@link IllegalArgumentException} naming the key. */
  public static AuthSettings from(Settings s) {
    String hmacSecret = s.getString(ConfigKeys.AUTH_HMAC_SECRET);
    if (!hmacSecret.isEmpty() && hmacSecret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
      // accepted, because the token issuer's secret is not ours to choose; but say so (never the secret itself)
      LOG.warn("config key {} is shorter than {} bytes: HS256 tokens signed with it can be brute-forced",
          ConfigKeys.AUTH_HMAC_SECRET, MIN_SECRET_BYTES);
    }
    Object local = s.get(ConfigKeys.AUTH_LOCAL_SECRET);
    return new AuthSettings(
        s.getBoolean(ConfigKeys.AUTH_ANONYMOUS),
        scopes(s, ConfigKeys.AUTH_ANONYMOUS_SCOPES),
        hmacSecret,
        readableFile(s, ConfigKeys.AUTH_PUBLIC_KEY_FILE),
        readableFile(s, ConfigKeys.AUTH_JWKS_FILE),
        local == null ? "" : local.toString(),
        s.getString(ConfigKeys.AUTH_ISSUER).trim(),
        s.getString(ConfigKeys.AUTH_AUDIENCE).trim(),
        range(s, ConfigKeys.AUTH_LEEWAY_SECONDS, 0, 600),
        tier(s, ConfigKeys.AUTH_DEFAULT_TIER),
        scopes(s, ConfigKeys.AUTH_DEFAULT_SCOPES),
        range(s, ConfigKeys.AUTH_TIMEOUT_MS, 0, Long.MAX_VALUE),
        range(s, ConfigKeys.AUTH_EXPIRY_NOTICE_MS, 0, Long.MAX_VALUE),
        s.getBoolean(ConfigKeys.AUTH_ADMIN_TOKEN),
        s.getBoolean(ConfigKeys.AUTH_DEV_TOKENS),
        range(s, ConfigKeys.AUTH_DEV_TOKEN_MAX_TTL_SECONDS, 1, Long.MAX_VALUE));
  }

  /** Whether any key to verify tokens with is configured; without one every token is refused. */
  public boolean hasVerificationKey() {
    return !hmacSecret.isEmpty() || !publicKeyFile.isEmpty() || !jwksFile.isEmpty() || !localSecret.isEmpty();
  }

  /**
   * The HS256 secret {@link TokenIssuer} signs dev and admin tokens with: the per-process {@code localSecret}, never
   * {@code hmacSecret}. Signing with the shared secret would let anyone who reaches the dev-token route mint tokens the
   * real issuer's other services accept too; a local secret keeps such tokens valid in this process only.
   */
  public String signingSecret() {
    return localSecret.isEmpty() ? null : localSecret;
  }

  @Override
  public String toString() {
    return "AuthSettings[anonymous=" + anonymous + ", anonymousScopes=" + anonymousScopes
        + ", hmacSecret=" + (hmacSecret.isEmpty() ? "" : "***") + ", publicKeyFile=" + publicKeyFile
        + ", jwksFile=" + jwksFile + ", localSecret=" + (localSecret.isEmpty() ? "" : "***")
        + ", issuer=" + issuer + ", audience=" + audience + ", leewaySeconds=" + leewaySeconds
        + ", defaultTier=" + defaultTier + ", defaultScopes=" + defaultScopes + ", authTimeoutMs=" + authTimeoutMs
        + ", expiryNoticeMs=" + expiryNoticeMs + ", adminToken=" + adminToken + ", devTokens=" + devTokens
        + ", devTokenMaxTtlSeconds=" + devTokenMaxTtlSeconds + "]";
  }

  private static long range(Settings s, String key, long min, long max) {
    long v = s.getLong(key);
    if (v < min || v > max) {
      throw new IllegalArgumentException("config key " + key + ": " + v + " is not allowed; expected an integer "
          + (max == Long.MAX_VALUE ? ">= " + min : "from " + min + " to " + max));
    }
    return v;
  }

  private static String tier(Settings s, String key) {
    String v = s.getString(key).trim().toLowerCase(Locale.ROOT);
    if (!TierLimits.NAMES.contains(v)) {
      throw new IllegalArgumentException("config key " + key + ": '" + s.getString(key)
          + "' is not allowed; expected one of " + TierLimits.NAMES);
    }
    return v;
  }

  private static Set<String> scopes(Settings s, String key) {
    Set<String> scopes = Scopes.parse(s.getString(key));
    for (String scope : scopes) {
      if (!Scopes.ALL.contains(scope)) {
        throw new IllegalArgumentException("config key " + key + ": scope '" + scope
            + "' is not allowed; expected a space-separated list of " + Scopes.ALL);
      }
    }
    return scopes;
  }

  /** "" when unset; otherwise the path, which must name a readable regular file. */
  private static String readableFile(Settings s, String key) {
    String path = s.getString(key).trim();
    if (path.isEmpty()) {
      return path;
    }
    boolean ok;
    try {
      Path p = Path.of(path);
      ok = Files.isRegularFile(p) && Files.isReadable(p);
    } catch (InvalidPathException e) {
      ok = false;
    }
    if (!ok) {
      throw new IllegalArgumentException("config key " + key + ": file " + path
          + " does not exist or is not readable; expected a readable file, or \"\" for none");
    }
    return path;
  }
}
