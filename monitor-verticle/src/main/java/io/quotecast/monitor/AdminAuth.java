package io.quotecast.monitor;

import io.quotecast.common.ErrorCode;
import io.quotecast.common.Problem;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.auth.Bearer;
import io.quotecast.common.auth.Principal;
import io.quotecast.common.auth.Scopes;
import io.quotecast.common.auth.TokenVerifier;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Guards the admin routes: a Bearer token with the {@code admin} scope, checked by the same verifier as the public
 * port. Anonymous access never applies here, whatever {@code auth.anonymous} says.
 */
final class AdminAuth {
  private final TokenVerifier verifier;

  AdminAuth(TokenVerifier verifier) {
    this.verifier = verifier;
  }

  void handle(RoutingContext ctx) {
    if (admin(ctx, Bearer.token(ctx.request().getHeader("Authorization")),
        "admin routes need a token with the admin scope: Authorization: Bearer <jwt>") != null) {
      ctx.next();
    }
  }

  /**
   * The admin behind {@code token}, or null after answering 401 (no or an invalid token; {@code missing} says how to
   * send one) or 403 (no {@code admin} scope). Shared by the admin routes and the dashboard's event-bus bridge.
   */
  Principal admin(RoutingContext ctx, String token, String missing) {
    if (token == null || token.isBlank()) {
      refuse(ctx, new ProtocolException(ErrorCode.UNAUTHORIZED, missing), 401, null);
      return null;
    }
    Principal user;
    try {
      user = verifier.verifyNow(token);
    } catch (ProtocolException e) {
      refuse(ctx, e, 401, e.getMessage());
      return null;
    }
    if (!user.hasScope(Scopes.ADMIN)) {
      refuse(ctx, new ProtocolException(ErrorCode.FORBIDDEN, "this route requires scope " + Scopes.ADMIN,
          new JsonObject().put("required", Scopes.ADMIN)), 403, null);
      return null;
    }
    return user;
  }

  private static void refuse(RoutingContext ctx, ProtocolException e, int status, String reason) {
    if (status == 401) {
      ctx.response().putHeader("WWW-Authenticate", Problem.bearerChallenge(reason));
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", Problem.CONTENT_TYPE)
        .end(Problem.of(e, status, ctx.request().path()).encode());
  }
}
