package io.quotecast.monitor;

import io.quotecast.common.Addresses;
import io.quotecast.common.GatewayCounters;
import io.quotecast.common.NodeMetrics;
import io.quotecast.common.cluster.ClusterView;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The monitor's metrics side: {@code GET /metrics} (Prometheus text format, no auth, like health: scrapers carry no
 * token; the port is never public), this node's figures published every second, every node's figures kept as heard,
 * and {@code GET /admin/stats} (per-node figures and cluster totals; the admin guard on {@code /admin/*} applies).
 */
final class MetricsRoutes {
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final Vertx vertx;
  private final NodeMetrics metrics;
  private final NodeMeters meters;
  private final FiguresPublisher publisher;
  private final ClusterFigures cluster = new ClusterFigures();
  private final MessageConsumer<JsonObject> figures;

  private MetricsRoutes(Vertx vertx) {
    this.vertx = vertx;
    this.metrics = NodeMetrics.of(vertx);
    GatewayCounters counters = GatewayCounters.of(vertx);
    this.meters = new NodeMeters(metrics.registry(), counters);
    this.publisher = new FiguresPublisher(vertx, metrics, counters);
    this.figures = vertx.eventBus().consumer(Addresses.NODE_FIGURES,
        m -> cluster.accept(m.body(), System.currentTimeMillis()));
  }

  /** Binds the meters, starts publishing figures and adds the routes; {@link #close} on undeploy. */
  static MetricsRoutes mount(Vertx vertx, Router router) {
    MetricsRoutes routes = new MetricsRoutes(vertx);
    router.get("/metrics").handler(routes::scrape);
    router.get("/admin/stats").handler(routes::stats);
    routes.figures.completion().onSuccess(v -> routes.publisher.start());
    return routes;
  }

  void close() {
    publisher.stop();
    figures.unregister();
    meters.close();
  }

  private void scrape(RoutingContext ctx) {
    meters.refreshCloseCodes();
    // Writing every series is CPU work that grows with Vert.x's own meters: off the event loop.
    vertx.executeBlocking(() -> metrics.registry().scrape(), false).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader("Content-Type", PROMETHEUS_TEXT).end(ar.result());
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  private void stats(RoutingContext ctx) {
    long now = System.currentTimeMillis();
    ClusterView view = ClusterView.of(vertx);
    cluster.retain(view.members(), now);
    JsonObject body = cluster.toJson(now).put("self", view.nodeId()).put("clustered", view.clustered());
    ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
  }
}
