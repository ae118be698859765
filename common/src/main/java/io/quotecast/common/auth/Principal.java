package io.quotecast.common.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Who is on a connection or REST call: the token's {@code sub}, tier and scopes, or the anonymous user.
 *
 * @param expiresAtMs the token's {@code exp} in epoch milliseconds; 0 when it never expires (anonymous)
 */
public record Principal(String userId, String tier, Set<String> scopes, boolean anonymous, long expiresAtMs) {
  public static final String ANONYMOUS_ID = "anonymous";

  public Principal {
    scopes = Set.copyOf(new LinkedHashSet<>(scopes));
  }

  public static Principal anonymous(String tier, Set<String> scopes) {
    return new Principal(ANONYMOUS_ID, tier, scopes, true, 0);
  }

  public boolean hasScope(String scope) {
    return scopes.contains(scope);
  }

  /** As {@code welcome}, {@code auth} and the event bus carry it: {@code {id, tier, anonymous, scopes, expiresAt?}}. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("id", userId).put("tier", tier).put("anonymous", anonymous)
        .put("scopes", new JsonArray(scopes.stream().sorted().toList()));
    if (expiresAtMs > 0) {
      json.put("expiresAt", expiresAtMs);
    }
    return json;
  }

  public static Principal fromJson(JsonObject json) {
    Set<String> scopes = new LinkedHashSet<>();
    JsonArray array = json.getJsonArray("scopes", new JsonArray());
    array.forEach(s -> scopes.add(String.valueOf(s)));
    return new Principal(json.getString("id"), json.getString("tier"), scopes,
        json.getBoolean("anonymous", false), json.getLong("expiresAt", 0L));
  }
}
