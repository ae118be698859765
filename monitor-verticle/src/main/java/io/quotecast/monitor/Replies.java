package io.quotecast.monitor;

import io.quotecast.common.Problem;
import io.quotecast.common.ProtocolException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/** How the operations port answers: JSON bodies, and errors as problem documents with a {@code code}. */
final class Replies {
  private Replies() {}

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  /** A protocol error (BAD_REQUEST with its {@code field}, ...) as a problem document. */
  static void problem(RoutingContext ctx, int status, ProtocolException e) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", Problem.CONTENT_TYPE)
        .end(Problem.of(e, status, ctx.request().path()).encode());
  }

  /**
   * A problem document with a code outside the client protocol's ({@code NOT_FOUND}, {@code CONFLICT}, ...), in the
   * same shape as {@link Problem#of}.
   */
  static void problem(RoutingContext ctx, int status, String code, String detail, JsonObject extra) {
    JsonObject body = new JsonObject()
        .put("type", "urn:quotecast:problem:" + code.toLowerCase(Locale.ROOT))
        .put("title", code).put("status", status).put("code", code).put("detail", detail)
        .put("instance", ctx.request().path());
    if (extra != null) {
      extra.forEach(e -> body.put(e.getKey(), e.getValue()));
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", Problem.CONTENT_TYPE).end(body.encode());
  }

  /** The request body as a JSON object; an empty body is an empty object, anything else not an object is null. */
  static JsonObject body(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().length() <= 0) {
      return new JsonObject();
    }
    try {
      return ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
