package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.quotecast.common.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Alerts on a whole node: an injected data-source fault ({@code POST /admin/source/fault}, mode down) fires the
 * sourceDown alert — listed by {@code GET /admin/alerts}, published on {@code monitor.alerts}, POSTed to a webhook
 * (whose first answer is a 503, so the retry is what delivers it) and logged as one ERROR JSON line with the alert's
 * fields — and resolves once the source is back; three clients leaving fire the connectionDrop alert when configured
 * for so small a node; and {@code /admin/alerts} needs the admin scope.
 */
class AlertsTest {
  private static final String ALERT_LOGGER = "io.quotecast.monitor.AlertLog";
  static QuotecastServer server;
  static Vertx hookVertx;
  static HttpServer hook;
  /** Bodies the webhook answered 200 to (the first POST gets a 503). */
  static final List<JsonObject> delivered = new CopyOnWriteArrayList<>();
  static final AtomicInteger posts = new AtomicInteger();
  static final List<JsonObject> events = new CopyOnWriteArrayList<>();
  static MessageConsumer<JsonObject> consumer;
  static final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeAll
  static void start() {
    hookVertx = Vertx.vertx();
    hook = QuotecastServer.await(hookVertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      if (posts.incrementAndGet() == 1) {
        req.response().setStatusCode(503).end();
        return;
      }
      delivered.add(body.toJsonObject());
      req.response().setStatusCode(204).end();
    })).listen(0, "127.0.0.1"), QuotecastServer.TIMEOUT_S);

    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    logs.setContext(ctx);
    logs.start();
    ctx.getLogger(ALERT_LOGGER).addAppender(logs);

    server = QuotecastServer.start(config -> {
      TestTokens.configure(config, true, false);
      config.getJsonObject("simulator").put("updatesPerSecond", 2000).put("skew", 0);
      config.getJsonObject("source").put("staleMs", 600);
      JsonObject alerts = config.getJsonObject("alerts")
          .put("webhookUrl", "http://127.0.0.1:" + hook.actualPort() + "/quotecast-alerts")
          .put("webhookTimeoutMs", 2000);
      for (String rule : List.of("latencyP99", "staleSymbols", "cpu", "heap", "eventLoopLag")) {
        alerts.getJsonObject(rule).put("enabled", false); // a loaded test machine must not add alerts of its own
      }
      alerts.getJsonObject("sourceDown").put("forMs", 1000).put("clearMs", 1000);
      // a node of three clients: losing all of them within 3 s is a drop
      alerts.getJsonObject("connectionDrop").put("threshold", 50).put("minDrop", 2).put("windowMs", 3000)
          .put("forMs", 0).put("clearMs", 1000);
    });
    consumer = server.vertx.eventBus().consumer(Addresses.ALERTS, m -> events.add(m.body()));
    QuotecastServer.await(consumer.completion(), QuotecastServer.TIMEOUT_S);
  }

  @AfterAll
  static void stop() {
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(ALERT_LOGGER).detachAppender(logs);
    logs.stop();
    if (server != null) {
      server.close();
    }
    QuotecastServer.await(hookVertx.close(), 20);
  }

  private static String admin() {
    return TestTokens.token("ops").scopes("admin").build();
  }

  static HttpResponse<Buffer> alerts(String query, String token) {
    HttpRequest<Buffer> request = server.http.get(server.monitorPort, "127.0.0.1", "/admin/alerts" + query);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    return QuotecastServer.await(request.send(), QuotecastServer.TIMEOUT_S);
  }

  private static List<JsonObject> listed(String state) {
    HttpResponse<Buffer> r = alerts("?state=" + state, admin());
    assertEquals(200, r.statusCode(), r::bodyAsString);
    List<JsonObject> out = new ArrayList<>();
    r.bodyAsJsonObject().getJsonArray("alerts").forEach(a -> out.add((JsonObject) a));
    return out;
  }

  private static JsonObject awaitListed(String state, Predicate<JsonObject> p, long timeoutMs) {
    JsonObject[] found = new JsonObject[1];
    QuotecastServer.poll(() -> (found[0] = listed(state).stream().filter(p).findFirst().orElse(null)) != null,
        timeoutMs);
    assertNotNull(found[0], () -> "no " + state + " alert as expected in " + listed("firing") + listed("resolved"));
    return found[0];
  }

  private static JsonObject awaitIn(List<JsonObject> list, Predicate<JsonObject> p, String what) {
    assertTrue(QuotecastServer.poll(() -> list.stream().anyMatch(p), 5000), () -> what + ": " + list);
    return list.stream().filter(p).findFirst().orElseThrow();
  }

  private static Predicate<JsonObject> is(String id, String state) {
    return a -> id.equals(a.getString("id")) && state.equals(a.getString("state"));
  }

  /** The alert's log line, as the app's JSON encoder writes it. */
  private static JsonObject logLine(String id, Level level) {
    assertTrue(QuotecastServer.poll(() -> logEvent(id, level) != null, 5000),
        () -> "a " + level + " line for " + id + " in " + logs.list);
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
    encoder.start();
    try {
      return new JsonObject(new String(encoder.encode(logEvent(id, level)), StandardCharsets.UTF_8));
    } finally {
      encoder.stop();
    }
  }

  private static ILoggingEvent logEvent(String id, Level level) {
    synchronized (logs) {
      return new ArrayList<>(logs.list).stream().filter(e -> e.getLevel() == level && e.getKeyValuePairs() != null
          && e.getKeyValuePairs().stream().anyMatch(kv -> "alertId".equals(kv.key) && id.equals(kv.value)))
          .findFirst().orElse(null);
    }
  }

  @Test
  void aSourceFaultFiresAnAlertThatResolvesAfterIt() {
    long injected = System.currentTimeMillis();
    var inject = QuotecastServer.await(server.http.post(server.monitorPort, "127.0.0.1", "/admin/source/fault")
        .putHeader("Authorization", "Bearer " + admin())
        .sendBuffer(Buffer.buffer("{\"mode\":\"down\",\"durationMs\":3000}")), QuotecastServer.TIMEOUT_S);
    assertEquals(202, inject.statusCode(), inject::bodyAsString);

    // firing: listed, with every field
    JsonObject alert = awaitListed("firing", a -> "sourceDown".equals(a.getString("rule"))
        && a.getLong("firedAt") >= injected, 10_000);
    String id = alert.getString("id");
    assertEquals("firing", alert.getString("state"));
    assertEquals("critical", alert.getString("severity"));
    assertEquals("node-1", alert.getString("node"));
    assertEquals("local", alert.getString("member"));
    assertTrue(alert.getLong("since") >= injected && alert.getLong("firedAt") - alert.getLong("since") >= 1000,
        alert::encode);
    assertTrue(alert.containsKey("resolvedAt") && alert.getValue("resolvedAt") == null, alert::encode);
    assertTrue(alert.getDouble("value") >= 1, alert::encode);
    assertEquals(0.0, alert.getDouble("threshold"));
    assertTrue(alert.getString("message").startsWith("data source simulator down"), alert::encode);
    JsonObject source = alert.getJsonObject("details").getJsonArray("sources").getJsonObject(0);
    assertEquals("down", source.getString("state"), alert::encode);
    assertEquals(1000L, alert.getJsonObject("details").getLong("forMs"));

    // the event on the bus and the webhook's body are that alert
    assertEquals(alert, awaitIn(events, is(id, "firing"), "firing event on " + Addresses.ALERTS));
    assertEquals(alert, awaitIn(delivered, is(id, "firing"), "firing webhook"));
    assertTrue(posts.get() >= 2, "the first POST got a 503 and was retried");

    // one ERROR line carrying the alert's fields
    JsonObject line = logLine(id, Level.ERROR);
    assertEquals("ERROR", line.getString("level"), line::encode);
    assertEquals(ALERT_LOGGER, line.getString("logger_name"));
    assertTrue(line.getString("message").startsWith("alert firing: data source simulator down"), line::encode);
    assertEquals(id, line.getString("alertId"));
    assertEquals("sourceDown", line.getString("rule"));
    assertEquals("critical", line.getString("severity"));
    assertEquals("node-1", line.getString("node"));
    assertEquals("firing", line.getString("state"));
    assertEquals(alert.getDouble("value"), line.getDouble("value"));
    assertEquals(0.0, line.getDouble("threshold"));
    assertEquals(alert.getLong("since"), line.getLong("since"));
    assertEquals("down", line.getJsonObject("details").getJsonArray("sources").getJsonObject(0).getString("state"),
        () -> "details as a JSON object: " + line.encode());

    // the fault ends, the source reconnects, and after the clear time the alert resolves
    JsonObject resolved = awaitListed("resolved", a -> id.equals(a.getString("id")), 25_000);
    assertTrue(resolved.getLong("resolvedAt") >= injected + 3000, resolved::encode);
    assertEquals(alert.getLong("since"), resolved.getLong("since"));
    assertTrue(resolved.getString("message").startsWith("sourceDown resolved on node-1"), resolved::encode);
    assertFalse(listed("firing").stream().anyMatch(a -> id.equals(a.getString("id"))), "no longer firing");
    assertEquals(resolved, awaitIn(events, is(id, "resolved"), "resolved event"));
    assertEquals(resolved, awaitIn(delivered, is(id, "resolved"), "resolved webhook"));
    JsonObject resolvedLine = logLine(id, Level.INFO);
    assertEquals("resolved", resolvedLine.getString("state"));
    assertTrue(resolvedLine.getString("message").startsWith("alert resolved: "), resolvedLine::encode);
    assertEquals(1, events.stream().filter(is(id, "firing")).count(), "raised once");
  }

  @Test
  void threeClientsLeavingFireAConnectionDropWhenConfiguredForASmallNode() {
    List<WsClient> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      clients.add(WsClient.open(server.vertx, server.port, "/ws"));
    }
    // the node's figures (published every second) must have counted the three
    assertTrue(QuotecastServer.poll(() -> selfConnections() == 3, 5000), "3 connections in the figures");
    QuotecastServer.sleep(1200);
    long closed = System.currentTimeMillis();
    clients.forEach(WsClient::close);
    JsonObject alert = awaitListed("firing", a -> "connectionDrop".equals(a.getString("rule"))
        && a.getLong("firedAt") >= closed, 10_000);
    assertEquals("warning", alert.getString("severity"));
    assertEquals(100.0, alert.getDouble("value"), alert::encode);
    assertEquals(3, alert.getJsonObject("details").getInteger("from"), alert::encode);
    assertEquals(0, alert.getJsonObject("details").getInteger("to"), alert::encode);
    // the highest count leaves the 3 s window, then 1 s of clear time
    awaitListed("resolved", a -> alert.getString("id").equals(a.getString("id")), 15_000);
  }

  private static long selfConnections() {
    var r = QuotecastServer.await(server.http.get(server.monitorPort, "127.0.0.1", "/admin/stats")
        .putHeader("Authorization", "Bearer " + admin()).send(), QuotecastServer.TIMEOUT_S);
    JsonArray nodes = r.bodyAsJsonObject().getJsonArray("nodes");
    return nodes.isEmpty() ? -1 : nodes.getJsonObject(0).getLong("connections", -1L);
  }

  @Test
  void adminAlertsNeedsTheAdminScope() {
    assertEquals(401, alerts("", null).statusCode());
    String user = TestTokens.token("user").tier("pro").scopes("md:quote", "md:trade", "md:kline").build();
    assertEquals(403, alerts("", user).statusCode());
    HttpResponse<Buffer> ok = alerts("", admin());
    assertEquals(200, ok.statusCode(), ok::bodyAsString);
    JsonObject body = ok.bodyAsJsonObject();
    assertNotNull(body.getJsonArray("alerts"), body::encode);
    assertNotNull(body.getInteger("firing"), body::encode);
    assertEquals(400, alerts("?state=pending", admin()).statusCode());
  }
}
