package io.quotecast.monitor;

import io.quotecast.common.Addresses;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.admin.ConnectionQuery;
import io.quotecast.common.admin.GatewayAdmin;
import io.quotecast.common.cluster.ScatterGather;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * The admin routes about connections, subscriptions and data sources, cluster-wide (behind {@link AdminAuth}):
 * <ul>
 *   <li>{@code GET /admin/connections?user=&node=&sort=&limit=&offset=}: every connection on every gateway with its
 *       diagnostics, filtered, ordered and paged ({@link ConnectionQuery}), with the total count;</li>
 *   <li>{@code GET /admin/connections/{id}}: one in detail, with its subscriptions (404 if unknown);</li>
 *   <li>{@code POST /admin/connections/{id}/close} (or {@code DELETE /admin/connections/{id}}), optional
 *       {@code {"reason"}}: its gateway closes it with 4100;</li>
 *   <li>{@code GET /admin/subscriptions?top=&type=}: subscribers per channel over the cluster, by type;</li>
 *   <li>{@code GET /admin/sources}: every quote node's data-source states;</li>
 *   <li>{@code GET}/{@code POST /admin/overload}: every gateway node's overload ladder ({@link OverloadRoutes}).</li>
 * </ul>
 */
final class AdminApi {
  static final int DEFAULT_TOP = 50;
  static final int MAX_TOP = 1000;
  private static final long SOURCES_TIMEOUT_MS = 1000;

  private final Vertx vertx;
  private final GatewayQuestions gateways;

  AdminApi(Vertx vertx) {
    this.vertx = vertx;
    this.gateways = new GatewayQuestions(vertx);
  }

  void mount(Router router) {
    router.get("/admin/connections").handler(this::connections);
    router.get("/admin/connections/:id").handler(this::connection);
    router.post("/admin/connections/:id/close").handler(BodyHandler.create().setBodyLimit(4096))
        .handler(this::close);
    router.delete("/admin/connections/:id").handler(BodyHandler.create().setBodyLimit(4096)).handler(this::close);
    router.get("/admin/subscriptions").handler(this::subscriptions);
    router.get("/admin/sources").handler(this::sources);
    new OverloadRoutes(vertx).mount(router); // GET/POST /admin/overload
  }

  private void connections(RoutingContext ctx) {
    ConnectionQuery query;
    try {
      query = ConnectionQuery.parse(ctx.request()::getParam);
    } catch (ProtocolException e) {
      Replies.problem(ctx, 400, e);
      return;
    }
    gateways.ask(new JsonObject().put(GatewayAdmin.ACTION, GatewayAdmin.CONNECTIONS).put("query", query.toJson()))
        .onSuccess(answers -> Replies.json(ctx, 200, query.merge(answers)
            .put("gateways", answers.size()).put("filter", new JsonObject().put("user", query.user())
                .put("node", query.node()))))
        .onFailure(ctx::fail);
  }

  private void connection(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    gateways.ask(new JsonObject().put(GatewayAdmin.ACTION, GatewayAdmin.CONNECTION).put("connectionId", id),
            AdminApi::anyFound)
        .onSuccess(answers -> {
          JsonObject found = found(answers);
          if (found == null) {
            notFound(ctx, id);
          } else {
            Replies.json(ctx, 200, found.getJsonObject("connection"));
          }
        })
        .onFailure(ctx::fail);
  }

  private void close(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonObject body = Replies.body(ctx);
    if (body == null || !(body.getValue("reason") == null || body.getValue("reason") instanceof String)) {
      Replies.problem(ctx, 400, ProtocolException.badRequest("reason",
          "the body is optional: {\"reason\": \"why the connection is closed\"}"));
      return;
    }
    gateways.ask(new JsonObject().put(GatewayAdmin.ACTION, GatewayAdmin.CLOSE).put("connectionId", id)
            .put("reason", body.getString("reason")), AdminApi::anyFound)
        .onSuccess(answers -> {
          JsonObject found = found(answers);
          if (found == null) {
            notFound(ctx, id);
            return;
          }
          Replies.json(ctx, 200, new JsonObject().put("closed", true).put("connectionId", id)
              .put("node", found.getString(GatewayAdmin.NODE)).put("member", found.getString(GatewayAdmin.MEMBER))
              .put("user", found.getString("user")).put("code", found.getInteger("code"))
              .put("reason", found.getString("reason")));
        })
        .onFailure(ctx::fail);
  }

  private static boolean anyFound(List<JsonObject> answers) {
    return found(answers) != null;
  }

  private static JsonObject found(List<JsonObject> answers) {
    return answers.stream().filter(a -> a.getBoolean("found", false)).findFirst().orElse(null);
  }

  private static void notFound(RoutingContext ctx, String id) {
    Replies.problem(ctx, 404, "NOT_FOUND", "no connection " + id + " on any gateway of the cluster",
        new JsonObject().put("connectionId", id));
  }

  /**
   * Subscribers per channel over the cluster, as the subscription role counts them: totals, a breakdown by channel
   * type, the {@code top} channels (of {@code type}, if given) and the per-node figures.
   */
  private void subscriptions(RoutingContext ctx) {
    int top;
    String type = ctx.request().getParam("type");
    try {
      top = topParam(ctx.request().getParam("top"));
      if (type != null && !List.of("quote", "trade", "kline").contains(type)) {
        throw ProtocolException.badRequest("type", "type must be quote, trade or kline");
      }
    } catch (ProtocolException e) {
      Replies.problem(ctx, 400, e);
      return;
    }
    vertx.eventBus().<JsonObject>request(Addresses.SUBSCRIPTION_STATS, new JsonObject().put("top", 0))
        .onSuccess(reply -> Replies.json(ctx, 200, subscriptionStats(reply.body(), top, type)))
        .onFailure(failure -> Replies.problem(ctx, 503, "UNAVAILABLE",
            "the subscription role is not reachable: " + failure.getMessage(), null));
  }

  /** The answer of {@code GET /admin/subscriptions} from the subscription role's cluster-wide statistics. */
  static JsonObject subscriptionStats(JsonObject stats, int top, String type) {
    TreeMap<String, JsonObject> byType = new TreeMap<>();
    for (String t : List.of("quote", "trade", "kline")) {
      byType.put(t, new JsonObject().put("channels", 0).put("subscriptions", 0L));
    }
    JsonArray channels = new JsonArray();
    for (Object o : stats.getJsonArray("channels", new JsonArray())) {
      JsonObject c = (JsonObject) o;
      String ch = c.getString("ch", "");
      String t = ch.contains(":") ? ch.substring(0, ch.indexOf(':')) : ch;
      JsonObject figures = byType.computeIfAbsent(t, k -> new JsonObject().put("channels", 0).put("subscriptions", 0L));
      figures.put("channels", figures.getInteger("channels") + 1)
          .put("subscriptions", figures.getLong("subscriptions") + c.getInteger("subscribers", 0));
      if ((type == null || type.equals(t)) && channels.size() < top) {
        channels.add(new JsonObject().put("ch", ch).put("type", t).put("subscribers", c.getInteger("subscribers")));
      }
    }
    JsonObject types = new JsonObject();
    byType.forEach(types::put);
    return new JsonObject()
        .put("totalSubscriptions", stats.getValue("totalSubscriptions"))
        .put("channelCount", stats.getValue("channelCount"))
        .put("connections", stats.getValue("connections"))
        .put("users", stats.getValue("users"))
        .put("anonymousConnections", stats.getValue("anonymousConnections"))
        .put("byType", types)
        .put("top", top).put("type", type)
        .put("channels", channels)
        .put("nodes", stats.getValue("nodes"));
  }

  private static int topParam(String text) {
    if (text == null || text.isBlank()) {
      return DEFAULT_TOP;
    }
    try {
      int top = Integer.parseInt(text.trim());
      if (top >= 1 && top <= MAX_TOP) {
        return top;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ProtocolException.badRequest("top", "top must be an integer from 1 to " + MAX_TOP);
  }

  /**
   * Every quote node's data-source states, asked of all of them at once: {@code {sources: [{member, node, source,
   * state, since, reason?, ...}], nodes, allUp}}. 503 when no quote node answers.
   */
  private void sources(RoutingContext ctx) {
    RegisteredMembers.of(vertx, Addresses.QUOTE_NODES_MAP).compose(members -> ScatterGather.ask(vertx, Addresses.SOURCE_STATES, new JsonObject(),
            answers -> !members.isEmpty() && answers.size() >= members.size(), SOURCES_TIMEOUT_MS))
        .onSuccess(answers -> {
          if (answers.isEmpty()) {
            Replies.problem(ctx, 503, "UNAVAILABLE", "no quote node answered", null);
            return;
          }
          List<JsonObject> sorted = new ArrayList<>(answers);
          sorted.sort(Comparator.comparing(a -> a.getString("member", "")));
          JsonArray sources = new JsonArray();
          boolean allUp = true;
          for (JsonObject answer : sorted) {
            for (Object o : answer.getJsonArray("sources", new JsonArray())) {
              JsonObject state = ((JsonObject) o).copy();
              allUp &= "up".equals(state.getString("state"));
              sources.add(new JsonObject().put("member", answer.getString("member"))
                  .put("node", answer.getString("node")).mergeIn(state));
            }
          }
          Replies.json(ctx, 200, new JsonObject().put("sources", sources).put("nodes", sorted.size())
              .put("allUp", allUp));
        })
        .onFailure(ctx::fail);
  }
}
