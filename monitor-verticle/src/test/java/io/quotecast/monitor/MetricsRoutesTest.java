package io.quotecast.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.Addresses;
import io.quotecast.common.ConfigLoader;
import io.quotecast.common.ErrorCode;
import io.quotecast.common.GatewayCounters;
import io.quotecast.common.auth.AuthSettings;
import io.quotecast.common.auth.TokenIssuer;
import io.quotecast.common.Settings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The monitor's metrics side on a Vert.x built without metrics (as in-JVM tests build it): {@code /metrics} still
 * serves the quotecast and JVM meters from a registry of its own, figures go out every second, and
 * {@code /admin/stats} needs the admin scope and shows only live members.
 */
class MetricsRoutesTest {
  private Vertx vertx;
  private HttpClient http;
  private int port;
  private AuthSettings auth;

  private record Reply(int status, String contentType, String body) {}

  @BeforeEach
  void deploy() {
    vertx = Vertx.vertx();
    http = vertx.createHttpClient();
    JsonObject config = ConfigLoader.load(vertx, null).await();
    config.getJsonObject("monitor").put("host", "127.0.0.1").put("port", 0);
    config.getJsonObject("node").put("id", "node-7");
    config.getJsonObject("auth").put("localSecret", "monitor-test-secret-0123456789abcdef");
    auth = AuthSettings.from(new Settings(config));
    MonitorVerticle monitor = new MonitorVerticle();
    vertx.deployVerticle(monitor, new DeploymentOptions().setConfig(config)).await();
    port = monitor.actualPort();
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private Reply get(String path, String token) {
    return http.request(HttpMethod.GET, port, "127.0.0.1", path).compose(req -> {
      if (token != null) {
        req.putHeader("Authorization", "Bearer " + token);
      }
      return req.send();
    }).compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.getHeader("Content-Type"),
        b.toString()))).await();
  }

  private String token(String... scopes) {
    return TokenIssuer.local(auth).issue("ops", "pro", List.of(scopes), 600);
  }

  @Test
  void metricsServeTheQuotecastAndJvmMetersWithoutVertxMetrics() {
    GatewayCounters counters = GatewayCounters.of(vertx);
    counters.closes(4008).increment();
    counters.errors(ErrorCode.UNAUTHORIZED).add(2);
    counters.closes(1008).increment();
    counters.closes(4321).increment(); // a code no one planned for still gets its series
    counters.refused.add(3);
    counters.errors(ErrorCode.LIMIT_EXCEEDED).increment();
    Reply r = get("/metrics", null);
    assertEquals(200, r.status(), r.body());
    assertTrue(r.contentType().startsWith("text/plain; version=0.0.4"), r.contentType());
    String text = r.body();
    for (String line : List.of(
        "quotecast_connections{node=\"node-7\",tier=\"none\"} 0.0",
        "quotecast_slow_consumer_closes_total{node=\"node-7\"} 1.0",
        "quotecast_auth_failures_total{kind=\"error\",node=\"node-7\"} 2.0",
        "quotecast_auth_failures_total{kind=\"close\",node=\"node-7\"} 1.0",
        "quotecast_closes_total{code=\"4321\",node=\"node-7\"} 1.0",
        "quotecast_rate_limit_refusals_total{kind=\"connection\",node=\"node-7\"} 3.0",
        "quotecast_rate_limit_refusals_total{kind=\"error\",node=\"node-7\"} 1.0",
        "quotecast_latency_seconds_bucket{node=\"node-7\",type=\"trade\",le=\"0.005\"} 0")) {
      assertTrue(text.contains(line), () -> "missing '" + line + "' in\n" + text);
    }
    for (String name : List.of("jvm_memory_used_bytes{area=\"heap\"", "jvm_buffer_memory_used_bytes{id=\"direct\"",
        "process_cpu_usage", "jvm_threads_live_threads", "quotecast_event_loop_lag_seconds_count",
        "quotecast_netty_direct_memory_used_bytes")) {
      assertTrue(text.contains(name), () -> "missing " + name);
    }
    assertFalse(text.contains("vertx_http_server"), "this Vert.x was built without metrics");
  }

  @Test
  void figuresGoOutEverySecondAndAdminStatsNeedsTheAdminScope() throws Exception {
    List<JsonObject> heard = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.NODE_FIGURES, m -> heard.add(m.body())).completion().await();
    long deadline = System.currentTimeMillis() + 5000;
    while (heard.size() < 2 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(heard.size() >= 2, "figures every second: " + heard);
    JsonObject last = heard.get(heard.size() - 1);
    assertEquals("local", last.getString("node"));
    assertEquals("node-7", last.getString("name"));
    assertTrue(last.getLong("intervalMs") >= 900, last::encode);
    assertTrue(last.getLong("heapUsedBytes") > 0, last::encode);

    assertEquals(401, get("/admin/stats", null).status());
    assertEquals(401, get("/admin/stats", "not.a.token").status());
    assertEquals(403, get("/admin/stats", token("md:quote")).status());
    // a node that is not a member of this (non-clustered) node's cluster is left out
    vertx.eventBus().publish(Addresses.NODE_FIGURES, new JsonObject().put("node", "ghost").put("connections", 99));
    Thread.sleep(100);
    Reply ok = get("/admin/stats", token("admin"));
    assertEquals(200, ok.status(), ok.body());
    JsonObject stats = new JsonObject(ok.body());
    assertEquals("local", stats.getString("self"));
    assertEquals(1, stats.getJsonArray("nodes").size(), stats::encodePrettily);
    assertEquals("node-7", stats.getJsonArray("nodes").getJsonObject(0).getString("name"));
    assertEquals(1, stats.getJsonObject("totals").getInteger("nodes"));
    assertEquals(0L, stats.getJsonObject("totals").getLong("connections"), "not the ghost's 99");
  }
}
