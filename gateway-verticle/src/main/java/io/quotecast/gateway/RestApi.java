package io.quotecast.gateway;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.ErrorCode;
import io.quotecast.common.GatewayCounters;
import io.quotecast.common.KlineInterval;
import io.quotecast.common.Listing;
import io.quotecast.common.Problem;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.auth.Scopes;
import io.quotecast.common.SymbolCode;
import io.quotecast.common.SymbolDirectory;
import io.quotecast.common.cluster.GatewayLoad;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * REST API under {@code /api/v1}: reference data, quotes and history from the quote node that owns the symbol (the
 * state the pushes come from, so {@code seq} matches the WebSocket on any node), and the gateway endpoints. Errors are RFC 9457 problem documents carrying
 * the protocol's {@code code}.
 */
final class RestApi {
  private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);
  static final int MAX_SUGGESTIONS = 5;
  static final int MAX_LIMIT = 1000;

  private final Gateway gw;

  RestApi(Gateway gw) {
    this.gw = gw;
  }

  void mount(Router router) {
    RestAuth auth = new RestAuth(gw);
    if (gw.auth.devTokens()) {
      new DevTokenRoute(gw).mount(router);
    }
    // Discovery comes before authentication: a client picks its node before it has anything to present there.
    router.get("/api/v1/endpoints").handler(this::endpoints);
    router.route("/api/v1/*").handler(auth::authenticate);
    router.get("/api/v1/symbols").handler(this::searchSymbols);
    router.get("/api/v1/symbols/:symbol").handler(this::symbol);
    router.get("/api/v1/quotes").handler(RestAuth.requires(Scopes.QUOTE)).handler(this::quotes);
    router.get("/api/v1/quotes/:symbol").handler(RestAuth.requires(Scopes.QUOTE)).handler(this::quote);
    router.get("/api/v1/klines/:symbol").handler(RestAuth.requires(Scopes.KLINE)).handler(this::klines);
    router.get("/api/v1/trades/:symbol").handler(RestAuth.requires(Scopes.TRADE)).handler(this::trades);
    router.get("/api/v1/status").handler(this::status);
    router.route("/api/*").handler(ctx -> problem(ctx, new ProtocolException(ErrorCode.BAD_REQUEST,
        "no such resource: " + ctx.request().method() + " " + ctx.request().path()), 404));
    router.route("/api/*").failureHandler(ctx -> {
      Throwable failure = ctx.failure();
      if (failure instanceof ProtocolException pe) {
        problem(ctx, pe, pe.code().httpStatus());
      } else {
        LOG.error("REST {} {} failed", ctx.request().method(), ctx.request().uri(), failure);
        problem(ctx, new ProtocolException(ErrorCode.INTERNAL, "internal error"), 500);
      }
    });
  }

  // ---- reference data -------------------------------------------------------------------------------------------

  private void searchSymbols(RoutingContext ctx) {
    String q = ctx.request().getParam("q", "");
    int limit = intParam(ctx, "limit", 20, 1, 200);
    JsonArray results = new JsonArray();
    gw.symbols.search(q, limit).forEach(l -> results.add(l.toJson()));
    json(ctx, new JsonObject().put("results", results).put("count", results.size()).encode());
  }

  private void symbol(RoutingContext ctx) {
    json(ctx, listing(ctx.pathParam("symbol")).toJson().encode());
  }

  // ---- quotes ---------------------------------------------------------------------------------------------------

  private void quote(RoutingContext ctx) {
    Listing listing = listing(ctx.pathParam("symbol"));
    quoteJson(listing.symbol()).onSuccess(json -> json(ctx, json)).onFailure(ctx::fail);
  }

  private void quotes(RoutingContext ctx) {
    String param = ctx.request().getParam("symbols");
    if (param == null || param.isBlank()) {
      throw ProtocolException.badRequest("symbols", "symbols is required, e.g. ?symbols=600519.SH,000001.SZ");
    }
    Set<String> symbols = new LinkedHashSet<>(List.of(param.split(",")));
    if (symbols.size() > 200) {
      throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "at most 200 symbols per request",
          new JsonObject().put("limit", "symbolsPerRequest").put("max", 200).put("current", 0)
              .put("requested", symbols.size()));
    }
    List<String> raws = new ArrayList<>();
    List<Future<String>> answers = new ArrayList<>();
    for (String raw : symbols) {
      raws.add(raw.trim());
      Future<String> answer;
      try {
        answer = quoteJson(listing(raw.trim()).symbol());
      } catch (ProtocolException e) {
        answer = Future.failedFuture(e);
      }
      answers.add(answer);
    }
    Future.join(answers).onComplete(ignored -> {
      StringBuilder sb = new StringBuilder("{\"quotes\":[");
      JsonArray rejected = new JsonArray();
      boolean first = true;
      for (int i = 0; i < answers.size(); i++) {
        Future<String> answer = answers.get(i);
        if (answer.succeeded()) {
          if (!first) {
            sb.append(',');
          }
          first = false;
          sb.append(answer.result());
        } else if (answer.cause() instanceof ProtocolException e) {
          rejected.add(e.toJson().put("symbol", raws.get(i)));
        } else {
          ctx.fail(answer.cause());
          return;
        }
      }
      sb.append("],\"rejected\":").append(rejected.encode()).append('}');
      json(ctx, sb.toString());
    });
  }

  /**
   * {@code {"ch","seq","epoch","data"}} from the symbol's owner, the same state the WebSocket pushes; UNAVAILABLE
   * when there is none yet or no owner answers.
   */
  private Future<String> quoteJson(String symbol) {
    ChannelKey key = ChannelKey.quote(symbol);
    return gw.owner.snapshot(key).compose(p -> {
      if (p == null) {
        return Future.failedFuture(new ProtocolException(ErrorCode.UNAVAILABLE, "no quote for " + symbol + " yet",
            new JsonObject().put("retryAfterMs", 1000)));
      }
      return Future.succeededFuture("{\"ch\":\"" + p.channel() + "\",\"seq\":" + p.seq() + ",\"epoch\":\""
          + p.epoch() + "\",\"data\":" + p.data() + "}");
    });
  }

  // ---- history --------------------------------------------------------------------------------------------------

  private void klines(RoutingContext ctx) {
    Listing listing = listing(ctx.pathParam("symbol"));
    String intervalText = ctx.request().getParam("interval", "1m");
    KlineInterval interval = KlineInterval.fromWire(intervalText);
    if (interval == null) {
      throw new ProtocolException(ErrorCode.INVALID_CHANNEL, "unknown interval '" + intervalText + "'",
          new JsonObject().put("allowed", new JsonArray(KlineInterval.wireNames())).put("field", "interval"));
    }
    int limit = intParam(ctx, "limit", 100, 1, MAX_LIMIT);
    JsonObject request = new JsonObject().put("kind", "klines").put("symbol", listing.symbol())
        .put("interval", interval.wire()).put("limit", limit);
    String end = ctx.request().getParam("end");
    if (end != null) {
      request.put("end", longParam("end", end));
    }
    history(ctx, request).onSuccess(array -> json(ctx, "{\"symbol\":\"" + listing.symbol() + "\",\"interval\":\""
        + interval.wire() + "\",\"klines\":" + array + "}"));
  }

  private void trades(RoutingContext ctx) {
    Listing listing = listing(ctx.pathParam("symbol"));
    int limit = intParam(ctx, "limit", 50, 1, MAX_LIMIT);
    JsonObject request = new JsonObject().put("kind", "trades").put("symbol", listing.symbol()).put("limit", limit);
    history(ctx, request).onSuccess(array -> json(ctx, "{\"symbol\":\"" + listing.symbol() + "\",\"trades\":"
        + array + "}"));
  }

  private Future<String> history(RoutingContext ctx, JsonObject request) {
    return gw.owner.history(request)
        .onFailure(failure -> {
          if (failure instanceof ReplyException re && re.failureCode() == 404) {
            ctx.fail(unknownSymbol(gw.symbols, request.getString("symbol")));
          } else if (failure instanceof ReplyException re && re.failureCode() == 400) {
            ctx.fail(ProtocolException.badRequest("query", re.getMessage()));
          } else if (failure instanceof ProtocolException pe) {
            ctx.fail(pe);
          } else {
            ctx.fail(QuoteOwner.unavailable("history", request.getString("symbol"), failure));
          }
        });
  }

  // ---- discovery ------------------------------------------------------------------------------------------------

  /** The gateway nodes clients may connect to, least loaded first (draining and full ones last), and this node's URL. */
  private void endpoints(RoutingContext ctx) {
    JsonArray endpoints = new JsonArray();
    for (GatewayLoad l : gw.fleet.loads()) {
      endpoints.add(new JsonObject().put("url", l.url()).put("node", l.node()).put("name", l.name())
          .put("connections", l.connections()).put("maxConnections", l.maxConnections())
          .put("cpu", l.cpu() < 0 ? null : Math.round(l.cpu() * 1000) / 1000.0).put("state", l.state())
          .put("overloadLevel", l.overloadLevel()));
    }
    ctx.response().putHeader("Cache-Control", "no-store");
    json(ctx, new JsonObject().put("endpoints", endpoints).put("self", gw.load.url).encode());
  }

  private void status(RoutingContext ctx) {
    JsonObject body = new JsonObject()
        .put("node", gw.nodeId).put("protocol", 1)
        .put("startedAt", gw.startedAt).put("uptimeMs", System.currentTimeMillis() - gw.startedAt)
        .put("serverTime", System.currentTimeMillis())
        .put("symbols", gw.symbols.size())
        .put("sources", gw.sources.copy())
        .put("gateway", gw.counters.toJson());
    json(ctx, body.encode());
  }

  // ---- helpers --------------------------------------------------------------------------------------------------

  private Listing listing(String raw) {
    String symbol = SymbolCode.normalize(raw);
    if (symbol == null) {
      throw new ProtocolException(ErrorCode.INVALID_SYMBOL, "invalid symbol '" + raw
          + "': expected six digits and .SH, .SZ or .BJ", new JsonObject().put("suggestions", suggestions(gw.symbols, raw)));
    }
    Listing listing = gw.symbols.get(symbol);
    if (listing == null) {
      throw unknownSymbol(gw.symbols, symbol);
    }
    return listing;
  }

  static ProtocolException unknownSymbol(SymbolDirectory symbols, String symbol) {
    return new ProtocolException(ErrorCode.INVALID_SYMBOL, "unknown symbol " + symbol,
        new JsonObject().put("suggestions", suggestions(symbols, symbol)));
  }

  static JsonArray suggestions(SymbolDirectory symbols, String input) {
    JsonArray out = new JsonArray();
    symbols.suggest(input, MAX_SUGGESTIONS).forEach(l -> out.add(l.suggestionText()));
    return out;
  }

  private static int intParam(RoutingContext ctx, String name, int defaultValue, int min, int max) {
    String text = ctx.request().getParam(name);
    if (text == null || text.isBlank()) {
      return defaultValue;
    }
    long value = longParam(name, text);
    if (value < min || value > max) {
      throw ProtocolException.badRequest(name, name + " must be an integer from " + min + " to " + max);
    }
    return (int) value;
  }

  private static long longParam(String name, String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw ProtocolException.badRequest(name, name + " must be an integer");
    }
  }

  private static void json(RoutingContext ctx, String body) {
    ctx.response().putHeader("Content-Type", "application/json; charset=utf-8").end(body);
  }

  static void problem(RoutingContext ctx, ProtocolException e, int status) {
    GatewayCounters.of(ctx.vertx()).errors(e.code()).increment();
    JsonObject body = Problem.of(e, status, ctx.request().path());
    if (status == 401) {
      ctx.response().putHeader("WWW-Authenticate", Problem.bearerChallenge(
          ctx.request().getHeader("Authorization") == null ? null : e.getMessage()));
    }
    if (e.code() == ErrorCode.RATE_LIMITED || e.code() == ErrorCode.UNAVAILABLE
        || e.extra().containsKey("retryAfterMs")) {
      long retryMs = e.extra().getLong("retryAfterMs", 1000L);
      ctx.response().putHeader("Retry-After", String.valueOf(Math.max(1, (retryMs + 999) / 1000)));
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", Problem.CONTENT_TYPE).end(body.encode());
  }
}
