package io.quotecast.monitor;

import io.quotecast.common.Addresses;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.cluster.ScatterGather;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The overload ladder of every gateway node (README "Overload"), behind {@link AdminAuth}:
 * <ul>
 *   <li>{@code GET /admin/overload?node=}: each node's level and name, pressure, inputs with value and threshold,
 *       what is in force since when, slowed subscriptions, shed and refused counts by tier, settings and the recent
 *       level changes;</li>
 *   <li>{@code POST /admin/overload?node=} with some of {@code {enabled, cpuPercent, eventLoopLagMs, sendQueueBytes,
 *       recoverBelow, stepUpMs, stepDownMs, degradedFreq, shedPerSecond}}: changes the settings at run time (until
 *       the node restarts) on every gateway node, or the one named; each node validates and answers its new state.</li>
 * </ul>
 * Each gateway node answers once on {@link Addresses#GATEWAY_OVERLOAD}; a node that does not answer within
 * {@value #TIMEOUT_MS} ms is left out.
 */
final class OverloadRoutes {
  static final long TIMEOUT_MS = 1000;

  private final Vertx vertx;

  OverloadRoutes(Vertx vertx) {
    this.vertx = vertx;
  }

  void mount(Router router) {
    router.get("/admin/overload").handler(this::status);
    router.post("/admin/overload").handler(BodyHandler.create().setBodyLimit(4096)).handler(this::configure);
  }

  private void status(RoutingContext ctx) {
    String node = ctx.request().getParam("node");
    ask(new JsonObject().put("action", "status").put("node", node)).onFailure(ctx::fail).onSuccess(answers -> {
      List<JsonObject> matched = matched(answers);
      if (matched.isEmpty()) {
        unanswered(ctx, node, answers);
        return;
      }
      Replies.json(ctx, 200, nodes(matched));
    });
  }

  private void configure(RoutingContext ctx) {
    String node = ctx.request().getParam("node");
    JsonObject changes = Replies.body(ctx);
    if (changes == null || changes.isEmpty()) {
      Replies.problem(ctx, 400, ProtocolException.badRequest("body", "expected a JSON object with the settings to "
          + "change, e.g. {\"cpuPercent\": 80, \"eventLoopLagMs\": 500}"));
      return;
    }
    ask(new JsonObject().put("action", "configure").put("node", node).put("changes", changes))
        .onFailure(ctx::fail).onSuccess(answers -> {
          List<JsonObject> matched = matched(answers);
          if (matched.isEmpty()) {
            unanswered(ctx, node, answers);
            return;
          }
          for (JsonObject answer : matched) {
            JsonObject error = answer.getJsonObject("error");
            if (error != null) {
              // Every node validates the same way, so one refusal is everyone's: nothing changed anywhere.
              Replies.problem(ctx, 400, ProtocolException.fromJson(error));
              return;
            }
          }
          Replies.json(ctx, 200, nodes(matched).put("changed", changes));
        });
  }

  /** Every gateway node's answer (as many as arrive in time): the gateway nodes are those with a load entry. */
  private Future<List<JsonObject>> ask(JsonObject question) {
    return RegisteredMembers.of(vertx, Addresses.GATEWAY_LOAD_MAP).compose(members -> ScatterGather.ask(vertx,
        Addresses.GATEWAY_OVERLOAD, question, answers -> complete(answers, members), TIMEOUT_MS));
  }

  private static boolean complete(List<JsonObject> answers, Set<String> members) {
    return !members.isEmpty() && answers.stream().map(a -> a.getString("member")).distinct()
        .filter(members::contains).count() >= members.size();
  }

  private static List<JsonObject> matched(List<JsonObject> answers) {
    List<JsonObject> out = new ArrayList<>();
    for (JsonObject a : answers) {
      if (a.getBoolean("matched", false)) {
        out.add(a);
      }
    }
    out.sort(Comparator.comparing((JsonObject a) -> a.getString("node", "")).thenComparing(a -> a.getString("member",
        "")));
    return out;
  }

  /** {@code {nodes: [state], gateways, levelMax}}. */
  private static JsonObject nodes(List<JsonObject> matched) {
    JsonArray nodes = new JsonArray();
    int levelMax = 0;
    for (JsonObject answer : matched) {
      JsonObject state = answer.getJsonObject("state", new JsonObject());
      levelMax = Math.max(levelMax, state.getInteger("level", 0));
      nodes.add(state);
    }
    return new JsonObject().put("nodes", nodes).put("gateways", matched.size()).put("levelMax", levelMax);
  }

  private static void unanswered(RoutingContext ctx, String node, List<JsonObject> answers) {
    if (node != null && !node.isBlank() && !answers.isEmpty()) {
      JsonArray known = new JsonArray();
      answers.forEach(a -> known.add(new JsonObject().put("member", a.getString("member"))
          .put("node", a.getString("node"))));
      Replies.problem(ctx, 404, "NOT_FOUND", "no gateway node " + node + " in the cluster",
          new JsonObject().put("nodes", known));
      return;
    }
    Replies.problem(ctx, 503, "UNAVAILABLE", "no gateway node answered", null);
  }
}
