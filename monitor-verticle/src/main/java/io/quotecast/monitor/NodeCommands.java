package io.quotecast.monitor;

import io.quotecast.common.Addresses;
import io.quotecast.common.GatewayCounters;
import io.quotecast.common.admin.GatewayAdmin;
import io.quotecast.common.cluster.ClusterView;
import io.quotecast.common.cluster.GatewayLoad;
import io.quotecast.common.cluster.NodeState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /admin/drain} and {@code POST /admin/undrain}, of this node or, with {@code ?node=} (a node name or
 * cluster member id), of another node, through its monitor's {@code monitor.node.<member>} address. Draining is what
 * SIGTERM does minus the exit: the node is marked draining ({@link NodeState}: readiness 503, new connections refused
 * with 503) and every gateway instance of the node runs its own drain (clients told to reconnect elsewhere within
 * {@code shutdown.drainMs}, then closed with 1012). Undraining makes the node ready and accepting again.
 */
final class NodeCommands {
  private static final Logger LOG = LoggerFactory.getLogger(NodeCommands.class);
  static final String DRAIN = "drain";
  static final String UNDRAIN = "undrain";
  private static final long REMOTE_TIMEOUT_MS = 5000;

  private final Vertx vertx;
  private final String name;
  private final String member;
  private MessageConsumer<JsonObject> consumer;

  NodeCommands(Vertx vertx, String name) {
    this.vertx = vertx;
    this.name = name;
    this.member = ClusterView.of(vertx).nodeId();
  }

  /** Takes commands for this node from the other nodes' monitors. */
  Future<Void> start() {
    consumer = vertx.eventBus().consumer(Addresses.MONITOR_NODE_PREFIX + member,
        m -> m.reply(apply(m.body().getString("command"))));
    return consumer.completion();
  }

  void mount(Router router) {
    router.post("/admin/drain").handler(ctx -> command(ctx, DRAIN));
    router.post("/admin/undrain").handler(ctx -> command(ctx, UNDRAIN));
  }

  /** Runs {@code command} on this node: {@code {member, node, draining, wasDraining, connections}}. */
  JsonObject apply(String command) {
    NodeState state = NodeState.of(vertx);
    boolean drain = DRAIN.equals(command);
    boolean was = state.draining();
    long connections = GatewayCounters.of(vertx).connections.get();
    state.draining(drain);
    if (drain) {
      // Every gateway instance of this node, and only of this node, drains its sessions.
      vertx.eventBus().publish(Addresses.GATEWAY_ADMIN, new JsonObject().put(GatewayAdmin.ACTION, GatewayAdmin.DRAIN),
          new DeliveryOptions().setLocalOnly(true));
    }
    LOG.info("{} on an operator's request ({} connections; was {}draining)", drain ? "draining" : "undrained",
        connections, was ? "" : "not ");
    return new JsonObject().put("member", member).put("node", name).put("draining", drain).put("wasDraining", was)
        .put("connections", connections);
  }

  private void command(RoutingContext ctx, String command) {
    String node = ctx.request().getParam("node");
    if (node == null || node.isBlank() || node.equals(member) || node.equals(name)) {
      Replies.json(ctx, 200, apply(command));
      return;
    }
    if (ClusterView.of(vertx).members().contains(node)) {
      remote(ctx, node, command);
      return;
    }
    // A name: the gateway nodes' load reports say which member carries it.
    vertx.sharedData().<String, JsonObject>getAsyncMap(Addresses.GATEWAY_LOAD_MAP)
        .compose(map -> map.entries())
        .onFailure(ctx::fail)
        .onSuccess(entries -> {
          List<String> live = ClusterView.of(vertx).members();
          List<String> matches = entries.values().stream().map(GatewayLoad::fromJson)
              .filter(l -> node.equals(l.name()) && live.contains(l.node())).map(GatewayLoad::node).toList();
          if (matches.size() == 1) {
            remote(ctx, matches.get(0), command);
          } else if (matches.isEmpty()) {
            Replies.problem(ctx, 404, "NOT_FOUND", "no node " + node + " in the cluster",
                new JsonObject().put("nodes", known(entries, live)));
          } else {
            Replies.problem(ctx, 409, "CONFLICT", "several nodes are named " + node + "; give the member id",
                new JsonObject().put("members", new JsonArray(matches)));
          }
        });
  }

  private void remote(RoutingContext ctx, String target, String command) {
    vertx.eventBus().<JsonObject>request(Addresses.MONITOR_NODE_PREFIX + target,
            new JsonObject().put("command", command), new DeliveryOptions().setSendTimeout(REMOTE_TIMEOUT_MS))
        .onSuccess(reply -> Replies.json(ctx, 200, reply.body()))
        .onFailure(failure -> {
          boolean noMonitor = failure instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS;
          Replies.problem(ctx, noMonitor ? 503 : 504, "UNAVAILABLE", noMonitor
              ? "node " + target + " runs no monitor role to take the command"
              : "node " + target + " did not answer: " + failure.getMessage(), null);
        });
  }

  private static JsonArray known(Map<String, JsonObject> entries, List<String> live) {
    JsonArray nodes = new JsonArray();
    entries.values().stream().map(GatewayLoad::fromJson).filter(l -> live.contains(l.node()))
        .forEach(l -> nodes.add(new JsonObject().put("member", l.node()).put("node", l.name())));
    return nodes;
  }
}
