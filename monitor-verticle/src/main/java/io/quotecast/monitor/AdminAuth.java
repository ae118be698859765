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
    String header = ctx.request().getHeader("Authorization");
    String token = Bearer.token(header);
    if (token == null) {
      refuse(ctx, new ProtocolException(ErrorCode.UNAUTHORIZED,
          "admin routes need a token with the admin scope: Authorization: Bearer <jwt>"), 401, null);
      return;
    }
    Principal user;
    try {
      user = verifier.verifyNow(token);
    } catch (ProtocolException e) {
      refuse(ctx, e, 401, e.getMessage());
      return;
    }
    if (!user.hasScope(Scopes.ADMIN)) {
      refuse(ctx, new ProtocolException(ErrorCode.FORBIDDEN, "admin routes require scope " + Scopes.ADMIN,
          new JsonObject().put("required", Scopes.ADMIN)), 403, null);
      return;
    }
    ctx.next();
  }

  private static void refuse(RoutingContext ctx, ProtocolException e, int status, String reason) {
    if (status == 401) {
      ctx.response().putHeader("WWW-Authenticate", Problem.bearerChallenge(reason));
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", Problem.CONTENT_TYPE)
        .end(Problem.of(e, status, ctx.request().path()).encode());
  }
}
