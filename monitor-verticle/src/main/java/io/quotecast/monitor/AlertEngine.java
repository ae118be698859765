package io.quotecast.monitor;

import io.quotecast.common.Addresses;
import io.quotecast.common.ConfigKeys;
import io.quotecast.common.Settings;
import io.quotecast.common.cluster.ClusterView;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The monitor's alerts: evaluates the rules ({@code alerts.*}) on this node's own figures each time they are
 * published (every second), and raises what fires or resolves — a log line ({@link AlertLog}), an event on
 * {@link Addresses#ALERTS}, the webhook. Every monitor keeps the events of all nodes ({@link AlertBook}) for
 * {@code GET /admin/alerts} (the admin guard on {@code /admin/*} applies). A node raises alerts about itself only, so
 * a cluster raises each alert once.
 */
final class AlertEngine {
  /** A stale-symbol count older than this (the report stopped answering) is not used. */
  static final long STALE_MAX_AGE_MS = 3000;

  private final Vertx vertx;
  private final String member;
  private final AlertEvaluator evaluator;
  private final AlertBook book;
  private final AlertWebhook webhook;
  private final StaleSymbols staleSymbols;
  private final MessageConsumer<JsonObject> events;
  private final MessageConsumer<JsonObject> figures;
  private List<String> stale;
  private long staleAt;
  private boolean staleBusy;

  AlertEngine(Vertx vertx, Settings settings, StaleSymbols staleSymbols) {
    this.vertx = vertx;
    this.member = ClusterView.of(vertx).nodeId();
    String nodeName = settings.getString(ConfigKeys.NODE_ID);
    boolean enabled = settings.getBoolean(ConfigKeys.ALERTS_ENABLED);
    List<AlertRule> rules = AlertRule.fromSettings(settings); // checked even when off: a bad value is still a typo
    long keep = settings.getLong(ConfigKeys.ALERTS_KEEP_RESOLVED);
    if (keep < 0 || keep > 100_000) {
      throw new IllegalArgumentException("config key " + ConfigKeys.ALERTS_KEEP_RESOLVED
          + ": expected an integer from 0 to 100000, got " + keep);
    }
    long timeoutMs = settings.getLong(ConfigKeys.ALERTS_WEBHOOK_TIMEOUT_MS);
    if (timeoutMs < 100 || timeoutMs > 600_000) {
      throw new IllegalArgumentException("config key " + ConfigKeys.ALERTS_WEBHOOK_TIMEOUT_MS
          + ": expected an integer from 100 to 600000, got " + timeoutMs);
    }
    String url = AlertWebhook.checkedUrl(settings.getString(ConfigKeys.ALERTS_WEBHOOK_URL));
    this.book = new AlertBook((int) keep);
    this.evaluator = enabled ? new AlertEvaluator(rules, nodeName, member) : null;
    this.webhook = enabled && url != null ? new AlertWebhook(vertx, url, timeoutMs) : null;
    this.staleSymbols = staleSymbols != null ? staleSymbols : new QualityStaleSymbols(vertx, member, nodeName);
    this.events = vertx.eventBus().consumer(Addresses.ALERTS, m -> book.accept(m.body()));
    this.figures = enabled ? vertx.eventBus().consumer(Addresses.NODE_FIGURES, m -> onFigures(m.body())) : null;
  }

  /** Starts evaluating and adds {@code GET /admin/alerts}; {@link #close} on undeploy. */
  static AlertEngine mount(Vertx vertx, Router router, Settings settings) {
    AlertEngine engine = new AlertEngine(vertx, settings, null);
    router.get("/admin/alerts").handler(engine::list);
    return engine;
  }

  /** Completes once the consumers are registered (cluster-wide when clustered). */
  Future<Void> ready() {
    return figures == null ? events.completion() : Future.all(events.completion(), figures.completion()).mapEmpty();
  }

  void close() {
    events.unregister();
    if (figures != null) {
      figures.unregister();
    }
    if (webhook != null) {
      webhook.close();
    }
  }

  private void onFigures(JsonObject f) {
    if (f == null || !member.equals(f.getString("node"))) {
      return; // another node's: it evaluates its own
    }
    long now = f.getValue("at") instanceof Number n ? n.longValue() : System.currentTimeMillis();
    List<String> staleNow = stale != null && now - staleAt <= STALE_MAX_AGE_MS ? stale : null;
    for (Alert alert : evaluator.evaluate(new AlertInputs(now, f, staleNow))) {
      raise(alert.toJson());
    }
    if (evaluator.uses(AlertRule.STALE_SYMBOLS)) {
      pollStale();
    }
  }

  private void raise(JsonObject alert) {
    AlertLog.log(alert);
    vertx.eventBus().publish(Addresses.ALERTS, alert);
    if (webhook != null) {
      webhook.send(alert);
    }
  }

  /** Refreshes the stale-symbol list for the next evaluation; one question at a time. */
  private void pollStale() {
    if (staleBusy) {
      return;
    }
    staleBusy = true;
    staleSymbols.stale().onComplete(ar -> {
      staleBusy = false;
      if (ar.succeeded()) {
        stale = ar.result();
        staleAt = System.currentTimeMillis();
      }
    });
  }

  private void list(RoutingContext ctx) {
    String state = ctx.request().getParam("state");
    if (state != null && !Alert.FIRING.equals(state) && !Alert.RESOLVED.equals(state)) {
      ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("code", "BAD_REQUEST")
              .put("message", "state: expected firing or resolved, got '" + state + "'").encode());
      return;
    }
    long now = System.currentTimeMillis();
    List<String> members = ClusterView.of(vertx).members();
    if (!members.isEmpty()) { // empty: this node itself is out of the cluster, which says nothing about the others
      book.retain(members, now);
    }
    JsonObject body = new JsonObject().put("at", now).put("firing", book.firingCount())
        .put("resolved", book.resolvedCount()).put("alerts", book.list(state));
    ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
  }
}
