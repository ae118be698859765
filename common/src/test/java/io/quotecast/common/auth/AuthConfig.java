package io.quotecast.common.auth;

import io.quotecast.common.Settings;
import io.vertx.core.json.JsonObject;

/** Config trees for the auth tests: the {@code auth:} defaults of quotecast-defaults.yaml, with overrides. */
final class AuthConfig {
  private AuthConfig() {}

  static JsonObject defaults() {
    return new JsonObject().put("auth", new JsonObject()
        .put("anonymous", false)
        .put("anonymousScopes", "md:quote md:trade md:kline")
        .put("hmacSecret", "")
        .put("publicKeyFile", "")
        .put("jwksFile", "")
        .put("issuer", "")
        .put("audience", "")
        .put("leewaySeconds", 5)
        .put("defaultTier", "free")
        .put("defaultScopes", "")
        .put("authTimeoutMs", 10000)
        .put("expiryNoticeMs", 60000)
        .put("adminToken", false)
        .put("devTokens", false)
        .put("devTokenMaxTtlSeconds", 86400));
  }

  /** The defaults with {@code auth.<key>} overrides given as key, value pairs. */
  static Settings settings(Object... keyValues) {
    JsonObject root = defaults();
    for (int i = 0; i < keyValues.length; i += 2) {
      root.getJsonObject("auth").put((String) keyValues[i], keyValues[i + 1]);
    }
    return new Settings(root);
  }

  static AuthSettings auth(Object... keyValues) {
    return AuthSettings.from(settings(keyValues));
  }
}
