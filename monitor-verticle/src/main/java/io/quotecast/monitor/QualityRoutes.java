package io.quotecast.monitor;

import io.quotecast.common.Addresses;
import io.quotecast.common.ErrorCode;
import io.quotecast.common.Problem;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.cluster.ScatterGather;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The data-quality report on the operations port (admin scope, guarded by {@code /admin/*}): {@code GET
 * /admin/quality} (filters {@code symbol}, {@code flagged}, {@code sort}, {@code limit}) and {@code GET
 * /admin/quality/{symbol}}. Every quote node answers {@link Addresses#QUOTE_QUALITY} for the symbols it owns
 * ({@link ScatterGather}); {@link QualityReport} merges the answers.
 */
final class QualityRoutes {
  /** How long to wait for the quote nodes; a dead node costs at most this, never the whole report. */
  static final long TIMEOUT_MS = 2_000;

  private final Vertx vertx;

  QualityRoutes(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Adds the routes; register them after the {@code /admin/*} guard. */
  void register(Router router) {
    router.get("/admin/quality").handler(this::report);
    router.get("/admin/quality/:symbol").handler(this::one);
  }

  private void report(RoutingContext ctx) {
    JsonObject question;
    try {
      question = QualityReport.question(ctx.queryParams().get("symbol"), ctx.queryParams().get("flagged"),
          ctx.queryParams().get("sort"), ctx.queryParams().get("limit"));
    } catch (QualityReport.BadQuery e) {
      problem(ctx, 400, ErrorCode.BAD_REQUEST, e.getMessage());
      return;
    }
    ask(question).onComplete(ar -> {
      if (ar.failed() || ar.result().answers().isEmpty()) {
        problem(ctx, 503, ErrorCode.UNAVAILABLE, "no quote node answered");
        return;
      }
      json(ctx, QualityReport.merge(ar.result().answers(), question, ar.result().expected(),
          System.currentTimeMillis()));
    });
  }

  private void one(RoutingContext ctx) {
    String symbol;
    try {
      symbol = QualityReport.symbol(ctx.pathParam("symbol"));
    } catch (QualityReport.BadQuery e) {
      problem(ctx, 400, ErrorCode.BAD_REQUEST, e.getMessage());
      return;
    }
    JsonObject question = QualityReport.question(symbol, null, null, "1");
    ask(question).onComplete(ar -> {
      if (ar.failed() || ar.result().answers().isEmpty()) {
        problem(ctx, 503, ErrorCode.UNAVAILABLE, "no quote node answered");
        return;
      }
      JsonObject row = QualityReport.row(ar.result().answers(), symbol, System.currentTimeMillis());
      if (row == null) {
        problem(ctx, 404, ErrorCode.INVALID_SYMBOL, "no quote node produces " + symbol
            + (ar.result().answers().size() < ar.result().expected() ? " (not every quote node answered)" : ""));
        return;
      }
      json(ctx, row);
    });
  }

  private record Gathered(List<JsonObject> answers, int expected) {
  }

  /** Asks every quote node, expecting as many answers as quote nodes are registered. */
  private Future<Gathered> ask(JsonObject question) {
    return vertx.sharedData().<String, JsonObject>getAsyncMap(Addresses.QUOTE_NODES_MAP)
        .compose(AsyncMap::size)
        .otherwise(0)
        .compose(expected -> ScatterGather.ask(vertx, Addresses.QUOTE_QUALITY, question, expected, TIMEOUT_MS)
            .map(answers -> new Gathered(answers, expected)));
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
  }

  private static void problem(RoutingContext ctx, int status, ErrorCode code, String detail) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", Problem.CONTENT_TYPE)
        .end(Problem.of(new ProtocolException(code, detail), status, ctx.request().path()).encode());
  }
}
