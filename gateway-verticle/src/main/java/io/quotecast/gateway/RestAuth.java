package io.quotecast.gateway;

import io.quotecast.common.ErrorCode;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.auth.Bearer;
import io.quotecast.common.auth.Principal;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Who is calling the REST API: the same verifier and scopes as the WebSocket. A Bearer token is verified (an invalid
 * one is 401 even where anonymous access is on: a client that sent a token expects it to count); without one the
 * caller is anonymous when that is enabled, else 401.
 */
final class RestAuth {
  static final String PRINCIPAL = "quotecast.principal";

  private final Gateway gw;

  RestAuth(Gateway gw) {
    this.gw = gw;
  }

  void authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    String token = Bearer.token(header);
    Principal user;
    if (token != null) {
      user = gw.verifier.verifyNow(token); // throws UNAUTHORIZED, answered by the failure handler
    } else if (header != null) {
      throw new ProtocolException(ErrorCode.UNAUTHORIZED, "the Authorization header must be 'Bearer <token>'");
    } else {
      user = gw.anonymousPrincipal();
      if (user == null) {
        throw new ProtocolException(ErrorCode.UNAUTHORIZED, "a token is required: Authorization: Bearer <jwt>");
      }
    }
    ctx.put(PRINCIPAL, user);
    ctx.next();
  }

  /** A route step that lets only callers with {@code scope} through (403 FORBIDDEN with {@code required}). */
  static Handler<RoutingContext> requires(String scope) {
    return ctx -> {
      Principal user = ctx.get(PRINCIPAL);
      if (user == null || !user.hasScope(scope)) {
        throw RequestHandler.forbidden(ctx.request().method() + " " + ctx.request().path(), scope);
      }
      ctx.next();
    };
  }
}
