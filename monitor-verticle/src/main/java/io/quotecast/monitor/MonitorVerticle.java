package io.quotecast.monitor;

import io.quotecast.common.Addresses;
import io.quotecast.common.ConfigKeys;
import io.quotecast.common.ConfigReport;
import io.quotecast.common.GatewayCounters;
import io.quotecast.common.Settings;
import io.quotecast.common.auth.AuthSettings;
import io.quotecast.common.auth.TokenVerifier;
import io.quotecast.common.cluster.ClusterView;
import io.quotecast.common.cluster.NodeState;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The operations port (9090), never exposed publicly: liveness (trivial) and readiness (data sources, cluster
 * membership, draining, component readiness) for probes, and {@code /stats} with this node's id, the cluster members,
 * gateway counters, the cluster-wide subscription statistics, data-source states and JVM figures. Under {@code /admin} (a token
 * with the {@code admin} scope): the effective configuration with secrets masked, per-user load, and the admin API
 * ({@link AdminApi}: connections, subscriptions, sources; {@link NodeCommands}: drain; {@link TraceApi}: tracing).
 */
public final class MonitorVerticle extends VerticleBase {
  private HttpServer server;
  private static final long SOURCES_TIMEOUT_MS = 1000;
  private GatewayCounters counters;
  private String nodeName;
  private MetricsRoutes metrics;
  private AlertEngine alerts;

  @Override
  public Future<?> start() {
    Settings settings = new Settings(config());
    counters = GatewayCounters.of(vertx);
    nodeName = settings.getString(ConfigKeys.NODE_ID);
    Router router = Router.router(vertx);
    router.get("/health/live").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(this::ready);
    router.get("/stats").handler(this::stats);
    AdminAuth admin = new AdminAuth(TokenVerifier.create(vertx, AuthSettings.from(settings)));
    router.route("/admin/*").handler(admin::handle);
    metrics = MetricsRoutes.mount(vertx, router); // GET /metrics, GET /admin/stats, figures every second
    alerts = AlertEngine.mount(vertx, router, settings); // rules on this node's figures, GET /admin/alerts
    JsonObject effective = ConfigReport.masked(config());
    router.get("/admin/config").handler(ctx -> json(ctx, 200, effective));
    router.get("/admin/users").handler(this::users);
    router.post("/admin/source/fault").handler(io.vertx.ext.web.handler.BodyHandler.create().setBodyLimit(1024))
        .handler(this::injectFault);
    new QualityRoutes(vertx).register(router);
    new AdminApi(vertx).mount(router);
    new TraceApi(vertx).mount(router);
    NodeCommands commands = new NodeCommands(vertx, nodeName);
    commands.mount(router);
    DashboardRoutes.mount(vertx, router, admin); // /dashboard/ and its event-bus bridge (admin token)
    server = vertx.createHttpServer().requestHandler(router);
    return commands.start().compose(v -> server.listen(settings.getInt(ConfigKeys.MONITOR_PORT),
        settings.getString(ConfigKeys.MONITOR_HOST)));
  }

  @Override
  public Future<?> stop() {
    metrics.close();
    alerts.close();
    return server.close();
  }

  /** The port the operations server listens on (for tests that ask for any free port). */
  int actualPort() {
    return server.actualPort();
  }

  /**
   * Ready when every data source reports up (at least one must answer), the node is an active cluster member (always,
   * when not clustered), it is not draining and every component that reported its readiness ({@link NodeState}) is
   * ready. The body says which: {@code status, sources, draining, components, cluster {clustered, nodeId, members}}.
   */
  private void ready(RoutingContext ctx) {
    sources().onComplete(ar -> {
      JsonArray states = ar.succeeded() ? ar.result() : new JsonArray();
      boolean sourcesUp = !states.isEmpty()
          && states.stream().allMatch(s -> "up".equals(((JsonObject) s).getString("state")));
      NodeState node = NodeState.of(vertx);
      ClusterView view = ClusterView.of(vertx);
      boolean up = sourcesUp && view.active() && node.ready();
      json(ctx, up ? 200 : 503, new JsonObject().put("status", up ? "UP" : "DOWN").put("sources", states)
          .put("draining", node.draining()).put("components", node.components()).put("cluster", cluster(view)));
    });
  }

  private static JsonObject cluster(ClusterView view) {
    return new JsonObject().put("clustered", view.clustered()).put("nodeId", view.nodeId())
        .put("members", new JsonArray(view.members()));
  }

  private void stats(RoutingContext ctx) {
    Future<JsonObject> subscriptions = vertx.eventBus().<JsonObject>request(Addresses.SUBSCRIPTION_STATS,
        new JsonObject()).map(reply -> reply.body()).otherwise(new JsonObject());
    Future<JsonArray> sources = sources();
    Future.join(sources, subscriptions).onComplete(ar -> {
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      JsonObject jvm = new JsonObject()
          .put("heapUsedBytes", memory.getHeapMemoryUsage().getUsed())
          .put("heapMaxBytes", memory.getHeapMemoryUsage().getMax())
          .put("nonHeapUsedBytes", memory.getNonHeapMemoryUsage().getUsed())
          .put("threads", ManagementFactory.getThreadMXBean().getThreadCount())
          .put("processCpuLoad", processCpuLoad())
          .put("availableProcessors", Runtime.getRuntime().availableProcessors());
      ClusterView view = ClusterView.of(vertx);
      json(ctx, 200, new JsonObject()
          .put("node", view.nodeId())
          .put("name", nodeName)
          .put("cluster", cluster(view))
          .put("gateway", counters.toJson())
          .put("subscriptions", subscriptions.result())
          .put("sources", sources.result())
          .put("jvm", jvm));
    });
  }

  /** Users, connections and subscriptions over the cluster's live nodes, as the subscription verticles count them. */
  private void users(RoutingContext ctx) {
    vertx.eventBus().<JsonObject>request(Addresses.SUBSCRIPTION_STATS, new JsonObject().put("top", 0))
        .map(reply -> {
          JsonObject stats = reply.body();
          JsonObject load = new JsonObject();
          for (String field : new String[] {"users", "connections", "anonymousConnections", "totalSubscriptions", "nodes"}) {
            load.put(field, stats.getValue(field));
          }
          return load;
        })
        .onComplete(ar -> {
          if (ar.succeeded()) {
            json(ctx, 200, ar.result());
          } else {
            json(ctx, 503, new JsonObject().put("code", "UNAVAILABLE").put("detail", "subscription role not reachable"));
          }
        });
  }

  private Future<JsonArray> sources() {
    // Well under a probe's timeout: a request routed to a quote node that just died must not hang the probe.
    return vertx.eventBus().<JsonArray>request(Addresses.SOURCE_STATES, new JsonObject(),
            new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(SOURCES_TIMEOUT_MS))
        .map(reply -> reply.body()).otherwise(new JsonArray());
  }

  private static double processCpuLoad() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuLoad();
    }
    return -1;
  }

  /**
   * Fault injection for demos and tests: {@code {"mode":"down"|"stall"|"none","durationMs":5000}} reaches every quote
   * node of the cluster, whose sources then report down/degraded and recover when the fault ends; for one symbol,
   * {@code {"mode":"gap","symbol":"000001.SZ","skip":5}} (skipped source sequence numbers) or
   * {@code {"mode":"stale","symbol":"000001.SZ","durationMs":5000}} (no updates), seen in {@code /admin/quality}.
   */
  private void injectFault(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    String mode = body == null ? null : body.getValue("mode") instanceof String s ? s : null;
    Object duration = body == null ? null : body.getValue("durationMs");
    boolean perSymbol = "gap".equals(mode) || "stale".equals(mode);
    Object symbol = body == null ? null : body.getValue("symbol");
    Object skip = body == null ? null : body.getValue("skip");
    if (mode == null || !java.util.List.of("down", "stall", "none", "gap", "stale").contains(mode)
        || !(duration == null || duration instanceof Number n && n.longValue() >= 0)
        || perSymbol && !(symbol instanceof String sym && sym.trim().matches("(?i)[0-9]{6}\\.(SH|SZ|BJ)"))
        || !(skip == null || skip instanceof Number k && k.longValue() >= 1 && k.longValue() <= 1_000_000_000)) {
      json(ctx, 400, new JsonObject().put("code", "BAD_REQUEST")
          .put("message", "expected {\"mode\": \"down\"|\"stall\"|\"none\", \"durationMs\": >= 0}, or for one "
              + "symbol {\"mode\": \"gap\", \"symbol\": \"000001.SZ\", \"skip\": >= 1} or "
              + "{\"mode\": \"stale\", \"symbol\": \"000001.SZ\", \"durationMs\": >= 0}"));
      return;
    }
    JsonObject fault = new JsonObject().put("mode", mode)
        .put("durationMs", duration == null ? 0L : ((Number) duration).longValue());
    if (perSymbol) {
      fault.put("symbol", ((String) symbol).trim().toUpperCase(java.util.Locale.ROOT))
          .put("skip", skip == null ? 1L : ((Number) skip).longValue());
    }
    vertx.eventBus().publish(Addresses.SOURCE_FAULT, fault);
    json(ctx, 202, fault.put("injected", true));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
