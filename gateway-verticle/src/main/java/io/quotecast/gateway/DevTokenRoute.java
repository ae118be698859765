package io.quotecast.gateway;

import io.quotecast.common.ErrorCode;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.auth.Principal;
import io.quotecast.common.auth.Scopes;
import io.quotecast.common.auth.TierLimits;
import io.quotecast.common.auth.TokenIssuer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code POST /api/v1/auth/dev-token} (only when {@code auth.devTokens} is on, as in the dev profile): tokens for trying
 * scopes and tiers without the real token service. Body {@code {"sub","tier"?,"scopes"?,"ttlSeconds"?}}; never the
 * {@code admin} scope.
 */
final class DevTokenRoute {
  static final String PATH = "/api/v1/auth/dev-token";
  private static final Pattern SUBJECT = Pattern.compile("[\\p{L}\\p{N}._@-]{1,64}");
  private static final long DEFAULT_TTL_SECONDS = 3600;

  private final Gateway gw;
  private final TokenIssuer issuer;

  DevTokenRoute(Gateway gw) {
    this.gw = gw;
    this.issuer = TokenIssuer.local(gw.auth);
  }

  void mount(Router router) {
    router.post(PATH).handler(BodyHandler.create().setBodyLimit(4096)).handler(this::issue);
  }

  private void issue(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      throw ProtocolException.badRequest("body", "the body must be a JSON object");
    }
    if (body == null) {
      throw ProtocolException.badRequest("sub", "sub is required, e.g. {\"sub\":\"alice\",\"tier\":\"pro\"}");
    }
    Object sub = body.getValue("sub");
    if (!(sub instanceof String subject) || !SUBJECT.matcher(subject).matches()) {
      throw ProtocolException.badRequest("sub", "sub must be 1-64 letters, digits, '.', '_', '@' or '-'");
    }
    Object tierValue = body.getValue("tier", gw.auth.defaultTier());
    if (!(tierValue instanceof String tier) || !TierLimits.NAMES.contains(tier)) {
      throw new ProtocolException(ErrorCode.BAD_REQUEST, "tier must be one of " + TierLimits.NAMES,
          new JsonObject().put("field", "tier").put("allowed", new JsonArray(TierLimits.NAMES)));
    }
    Set<String> scopes = scopes(body.getValue("scopes"));
    if (scopes.contains(Scopes.ADMIN)) {
      throw new ProtocolException(ErrorCode.FORBIDDEN, "dev tokens never carry the admin scope; use the admin token "
          + "printed at start", new JsonObject().put("required", "the admin token"));
    }
    long ttl = DEFAULT_TTL_SECONDS;
    Object ttlValue = body.getValue("ttlSeconds");
    if (ttlValue != null) {
      if (!(ttlValue instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 1
          || n.longValue() > gw.auth.devTokenMaxTtlSeconds()) {
        throw ProtocolException.badRequest("ttlSeconds", "ttlSeconds must be an integer from 1 to "
            + gw.auth.devTokenMaxTtlSeconds());
      }
      ttl = n.longValue();
    }
    String token = issuer.issue(subject, tier, scopes, ttl);
    Principal user = gw.verifier.verifyNow(token);
    ctx.response().putHeader("Content-Type", "application/json; charset=utf-8").putHeader("Cache-Control", "no-store")
        .end(new JsonObject().put("token", token).put("tokenType", "Bearer").put("expiresIn", ttl)
            .put("user", user.toJson()).encode());
  }

  /** A list or a space-separated string; absent means every market-data scope. */
  private static Set<String> scopes(Object value) {
    if (value == null) {
      return new LinkedHashSet<>(List.of(Scopes.QUOTE, Scopes.TRADE, Scopes.KLINE));
    }
    Set<String> scopes;
    if (value instanceof String text) {
      scopes = Scopes.parse(text);
    } else if (value instanceof JsonArray array) {
      scopes = new LinkedHashSet<>();
      for (Object o : array) {
        if (!(o instanceof String s)) {
          throw ProtocolException.badRequest("scopes", "scopes must be strings");
        }
        scopes.add(s);
      }
    } else {
      throw ProtocolException.badRequest("scopes", "scopes must be a list or a space-separated string");
    }
    for (String s : scopes) {
      if (!Scopes.ALL.contains(s)) {
        throw new ProtocolException(ErrorCode.BAD_REQUEST, "unknown scope '" + s + "'",
            new JsonObject().put("field", "scopes").put("allowed", new JsonArray(Scopes.ALL)));
      }
    }
    return scopes;
  }
}
