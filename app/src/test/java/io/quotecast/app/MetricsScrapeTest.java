package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.Listing;
import io.quotecast.common.ListingLoader;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} after real traffic on a node built as production builds it (Vert.x metrics on), parsed as
 * Prometheus text: every meter the operations README lists, with values that follow the traffic (connections equal
 * the open clients, messages out after a subscribe, latency recorded, a forced slow-consumer close and a bad token
 * counted), and no per-symbol or per-connection label. And {@code GET /admin/stats} with and without the admin scope.
 */
class MetricsScrapeTest {
  private static final int WRITE_QUEUE_BYTES = 16 * 1024;
  static QuotecastServer server;

  @BeforeAll
  static void start() {
    server = QuotecastServer.startWithMetrics(config -> {
      TestTokens.configure(config, true, false);
      // A small send queue and a fast market, so a client that stops reading is closed 4008 within seconds; long
      // idle timeouts, so clients are judged on reading, not on idling.
      config.getJsonObject("gateway").put("heartbeatMs", 5000).put("idleTimeoutMs", 120_000)
          .put("writeQueueBytes", WRITE_QUEUE_BYTES).put("instances", 1);
      config.getJsonObject("simulator").put("updatesPerSecond", 10000);
      // realtime for anonymous users: the latency histogram records realtime deliveries
      config.getJsonObject("tiers").getJsonObject("free").put("minFreq", "realtime");
    });
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static PrometheusText scrape() {
    HttpResponse<Buffer> r = server.getMonitor("/metrics");
    assertEquals(200, r.statusCode(), r::bodyAsString);
    assertTrue(r.getHeader("Content-Type").startsWith("text/plain"), r.getHeader("Content-Type"));
    return PrometheusText.parse(r.bodyAsString());
  }

  static HttpResponse<Buffer> monitor(String uri, String token) {
    HttpRequest<Buffer> request = server.http.get(server.monitorPort, "127.0.0.1", uri);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    return QuotecastServer.await(request.send(), QuotecastServer.TIMEOUT_S);
  }

  /** A reader of a moderately busy symbol's quotes and trades (realtime), subscribed and receiving. */
  static WsClient reader() {
    String symbol = ListingLoader.loadShipped().get(20).symbol();
    WsClient c = server.connect();
    c.welcome();
    c.ok("subscribe", WsClient.args("channels", List.of("quote:" + symbol, "trade:" + symbol)));
    c.waitForChannel("quote:" + symbol, 2, WsClient.WAIT_MS);
    return c;
  }

  private static final List<String> REQUIRED = List.of(
      "quotecast_connections", "quotecast_connections_opened_total", "quotecast_subscriptions", "quotecast_feeds",
      "quotecast_messages_in_total", "quotecast_messages_out_total", "quotecast_network_in_bytes_total",
      "quotecast_network_out_bytes_total", "quotecast_publications_in_total",
      "quotecast_latency_seconds_bucket", "quotecast_latency_seconds_count", "quotecast_latency_seconds_sum",
      "quotecast_latency_seconds_max", "quotecast_messages_conflated_total", "quotecast_messages_dropped_total",
      "quotecast_messages_malformed_total", "quotecast_gaps_total", "quotecast_errors_total", "quotecast_closes_total",
      "quotecast_slow_consumer_closes_total", "quotecast_auth_failures_total", "quotecast_rate_limit_refusals_total",
      "quotecast_event_loop_lag_seconds_bucket", "quotecast_event_loop_lag_seconds_count",
      "quotecast_event_loop_lag_max_seconds", "quotecast_event_loops", "quotecast_netty_direct_memory_used_bytes",
      // JVM and process (Micrometer binders)
      "process_cpu_usage", "system_cpu_count", "jvm_memory_used_bytes", "jvm_memory_max_bytes",
      "jvm_buffer_memory_used_bytes", "jvm_gc_memory_allocated_bytes_total", "jvm_threads_live_threads",
      "process_uptime_seconds",
      // Vert.x's own, on because this node was built like production's
      "vertx_http_server_bytes_written_total", "vertx_http_server_bytes_read_total",
      "vertx_http_server_active_ws_connections");

  /** Label names that would mean a series per symbol, channel, connection, user or client address. */
  private static final Set<String> FORBIDDEN_LABELS = Set.of("symbol", "ch", "channel", "connection",
      "connectionId", "connection_id", "user", "remote", "path", "address", "session");
  private static final Pattern SYMBOL = Pattern.compile(".*\\d{6}\\.(SH|SZ|BJ).*");
  private static final Pattern CONNECTION_ID = Pattern.compile("c-[0-9a-z]{4,}");

  @Test
  void aScrapeAfterTrafficHasEveryMeterWithPlausibleValues() {
    PrometheusText before = scrape();
    List<WsClient> readers = new ArrayList<>();
    try {
      readers.add(reader());
      readers.add(reader());

      // a bad token: UNAUTHORIZED, then close 1008
      try (WsClient bad = server.connect("/ws?token=not-a-jwt")) {
        bad.waitFor(m -> "error".equals(m.getString("type")), WsClient.WAIT_MS);
        assertEquals(1008, bad.awaitClose(WsClient.WAIT_MS));
      }

      // a client that stops reading its trades is closed as a slow consumer (4008)
      long slowBefore = server.counters().closes(4008).sum();
      try (RawWebSocket raw = RawWebSocket.connect(server.vertx, server.port, "/ws")) {
        raw.waitUntil(() -> raw.textCount() >= 1, WsClient.WAIT_MS, "the welcome");
        raw.send(new JsonObject().put("op", "subscribe").put("id", "s")
            .put("args", new JsonObject().put("channels", busyChannels())).encode());
        raw.waitUntil(() -> raw.textCount() >= 3, WsClient.WAIT_MS, "the subscribe reply");
        raw.pause();
        assertTrue(QuotecastServer.poll(() -> server.counters().closes(4008).sum() > slowBefore, 20_000),
            "the stalled reader is closed 4008: " + server.counters().toJson());
      }

      // the two readers are all that is left open, as the gauge and Vert.x's own count say
      assertTrue(QuotecastServer.poll(() -> {
        PrometheusText m = scrape();
        return m.sum("quotecast_connections") == 2
            && m.sum("vertx_http_server_active_ws_connections", "local", "127.0.0.1:" + server.port) == 2
            && m.sum("quotecast_subscriptions") == 4;
      }, 10_000), () -> "connections settle at the 2 readers: " + server.counters().toJson());
      PrometheusText after = scrape();

      Set<String> names = after.names();
      List<String> missing = REQUIRED.stream().filter(n -> !names.contains(n)).toList();
      assertTrue(missing.isEmpty(), () -> "missing meters " + missing + " in " + names);

      // connections and subscriptions
      assertEquals(2.0, after.sum("quotecast_connections"), "the open test clients");
      Set<String> tiers = new TreeSet<>();
      after.all("quotecast_connections").forEach(s -> tiers.add(s.labels().get("tier")));
      assertEquals(Set.of("free", "standard", "pro", "none"), tiers, "connections by tier");
      assertEquals(2.0, after.value("quotecast_subscriptions", "type", "quote"));
      assertEquals(2.0, after.value("quotecast_subscriptions", "type", "trade"));
      assertEquals(0.0, after.value("quotecast_subscriptions", "type", "kline"));
      assertTrue(after.sum("quotecast_feeds") >= 2, "feeds of the readers' channels");
      assertTrue(delta(before, after, "quotecast_connections_opened_total") >= 4, "2 readers, bad token, slow");

      // traffic
      assertTrue(delta(before, after, "quotecast_messages_in_total") >= 3, "the subscribes");
      assertTrue(delta(before, after, "quotecast_network_in_bytes_total") > 100, "their text");
      assertTrue(delta(before, after, "quotecast_messages_out_total") > 10, "pushes after subscribing");
      assertTrue(delta(before, after, "quotecast_network_out_bytes_total") > 1000);
      assertTrue(delta(before, after, "quotecast_publications_in_total") > 0);
      assertTrue(after.sum("vertx_http_server_bytes_written_total", "local", "127.0.0.1:" + server.port) > 1000,
          "socket bytes of the public port");

      // source-to-client latency: recorded, and its 99th percentile within a finite bucket
      double count = after.sum("quotecast_latency_seconds_count");
      assertTrue(count > 0, "latency recorded for realtime deliveries");
      List<PrometheusText.Sample> buckets = after.all("quotecast_latency_seconds_bucket");
      double inf = buckets.stream().filter(s -> s.has("le", "+Inf")).mapToDouble(PrometheusText.Sample::value).sum();
      assertEquals(count, inf, "+Inf bucket = count");
      double largestFinite = buckets.stream().filter(s -> !s.has("le", "+Inf"))
          .mapToDouble(s -> Double.parseDouble(s.labels().get("le"))).max().orElseThrow();
      double atLargest = buckets.stream().filter(s -> s.has("le", format(largestFinite)))
          .mapToDouble(PrometheusText.Sample::value).sum();
      assertTrue(atLargest >= 0.99 * count, () -> "p99 beyond " + largestFinite + " s: " + atLargest + "/" + count);
      double le5ms = buckets.stream().filter(s -> s.has("le", "0.005")).mapToDouble(PrometheusText.Sample::value).sum();
      assertTrue(le5ms <= atLargest, "buckets are cumulative");
      assertTrue(after.sum("quotecast_latency_seconds_sum") >= 0);

      // refusals and closes
      assertEquals(1.0, delta(before, after, "quotecast_slow_consumer_closes_total"), "the forced 4008");
      assertEquals(1.0, after.value("quotecast_closes_total", "code", "4008")
          - before.value("quotecast_closes_total", "code", "4008"));
      assertTrue(delta(before, after, "quotecast_messages_dropped_total") >= 1, "the trade it could not take");
      assertTrue(after.value("quotecast_auth_failures_total", "kind", "error")
          - before.value("quotecast_auth_failures_total", "kind", "error") >= 1, "the bad token's UNAUTHORIZED");
      assertTrue(after.value("quotecast_auth_failures_total", "kind", "close")
          - before.value("quotecast_auth_failures_total", "kind", "close") >= 1, "its close 1008");
      assertTrue(after.value("quotecast_errors_total", "code", "UNAUTHORIZED") >= 1);
      for (String kind : List.of("error", "close", "connection")) {
        assertTrue(after.value("quotecast_rate_limit_refusals_total", "kind", kind) >= 0, kind);
      }

      // the node: event loops, CPU, memory
      assertTrue(after.value("quotecast_event_loops") >= 1);
      assertTrue(after.value("quotecast_event_loop_lag_seconds_count") > 0, "the probes ran");
      double lagMax = after.value("quotecast_event_loop_lag_max_seconds");
      assertTrue(lagMax >= 0 && lagMax < 60, "lag " + lagMax);
      double cpu = after.value("process_cpu_usage");
      assertTrue(cpu >= 0 && cpu <= 1, "cpu " + cpu);
      assertTrue(after.sum("jvm_memory_used_bytes", "area", "heap") > 0);
      assertTrue(after.all("jvm_buffer_memory_used_bytes").stream().anyMatch(s -> s.has("id", "direct")),
          "direct buffer pool");
      assertTrue(after.value("jvm_threads_live_threads") > 0);

      // no series per symbol, channel or connection; every series names the node
      for (PrometheusText.Sample s : after.samples) {
        for (var label : s.labels().entrySet()) {
          assertFalse(FORBIDDEN_LABELS.contains(label.getKey()), () -> "label " + label.getKey() + " on " + s);
          assertFalse(SYMBOL.matcher(label.getValue()).matches(), () -> "a symbol in " + s);
          assertFalse(CONNECTION_ID.matcher(label.getValue()).matches(), () -> "a connection id in " + s);
        }
        assertEquals("node-1", s.labels().get("node"), () -> "node label on " + s);
      }
    } finally {
      readers.forEach(WsClient::close);
    }
  }

  @Test
  void adminStatsNeedsTheAdminScopeAndGivesPerNodeFiguresAndTotals() {
    assertEquals(401, monitor("/admin/stats", null).statusCode());
    assertEquals(401, monitor("/admin/stats", TestTokens.token("root").scopes("admin").secret("wrong").build())
        .statusCode());
    HttpResponse<Buffer> forbidden = monitor("/admin/stats",
        TestTokens.token("user").tier("pro").scopes("md:quote", "md:trade").build());
    assertEquals(403, forbidden.statusCode(), forbidden::bodyAsString);
    assertFalse(forbidden.bodyAsString().contains("\"nodes\""), "no figures without the scope");

    String admin = TestTokens.token("root").scopes("admin").build();
    try (WsClient c = reader()) {
      JsonObject[] stats = new JsonObject[1];
      // figures go out every second: wait for one taken while the reader was receiving
      assertTrue(QuotecastServer.poll(() -> {
        HttpResponse<Buffer> r = monitor("/admin/stats", admin);
        assertEquals(200, r.statusCode(), r::bodyAsString);
        stats[0] = r.bodyAsJsonObject();
        JsonArray nodes = stats[0].getJsonArray("nodes");
        return nodes.size() == 1 && nodes.getJsonObject(0).getDouble("messagesOutPerSec") > 0
            && nodes.getJsonObject(0).getLong("connections") == 1;
      }, 10_000), () -> "figures with traffic: " + stats[0]);
      JsonObject node = stats[0].getJsonArray("nodes").getJsonObject(0);
      assertEquals("node-1", node.getString("name"));
      assertEquals(stats[0].getString("self"), node.getString("node"));
      assertEquals(2L, node.getJsonObject("subscriptionsByType").getLong("quote")
          + node.getJsonObject("subscriptionsByType").getLong("trade"));
      assertTrue(node.getLong("heapUsedBytes") > 0);
      assertTrue(node.getLong("eventLoops") >= 1);
      assertTrue(node.getJsonArray("sources").stream()
          .anyMatch(s -> "up".equals(((JsonObject) s).getString("state"))), node::encode);
      JsonObject totals = stats[0].getJsonObject("totals");
      assertEquals(1, totals.getInteger("nodes"));
      assertEquals(1L, totals.getLong("connections"));
      assertEquals(node.getDouble("messagesOutPerSec"), totals.getDouble("messagesOutPerSec"));
      assertTrue(totals.getJsonObject("latency").containsKey("p99Ms"), totals::encode);
      assertTrue(totals.getJsonObject("sources").getLong("up") >= 1, totals::encode);
    }
  }

  /**
   * Connections by the tier of their user. Needs Session.java to report its user to
   * {@code GatewayCounters.userChanged} (on adopting a user and on release); until then every connection counts as
   * tier {@code none}.
   */
  @Test
  void connectionsAreCountedByTheTierOfTheirUser() {
    String pro = TestTokens.token("carol").tier("pro").scopes("md:quote").build();
    try (WsClient anonymous = server.connect(); WsClient carol = server.connect("/ws?token=" + pro)) {
      anonymous.welcome();
      carol.welcome();
      assertTrue(QuotecastServer.poll(() -> {
        PrometheusText m = scrape();
        return m.value("quotecast_connections", "tier", "pro") == 1
            && m.value("quotecast_connections", "tier", "free") == 1
            && m.value("quotecast_connections", "tier", "none") == 0;
      }, 5000), () -> "by tier: " + scrape().all("quotecast_connections"));
    }
    assertTrue(QuotecastServer.poll(() -> scrape().sum("quotecast_connections") == 0
        && scrape().value("quotecast_connections", "tier", "pro") == 0, 5000), "released");
  }

  private static double delta(PrometheusText before, PrometheusText after, String name) {
    return after.sum(name) - before.sum(name);
  }

  /** Prometheus's spelling of a bucket bound: 5.0, 0.005. */
  private static String format(double v) {
    return Double.toString(v);
  }

  /** Quotes and trades of the busiest symbol and the next ones: a stalled reader fills its queue fast. */
  private static JsonArray busyChannels() {
    JsonArray out = new JsonArray().add("quote:600519.SH").add("trade:600519.SH");
    List<Listing> all = ListingLoader.loadShipped();
    for (int i = 0; out.size() < 20; i++) {
      if (!all.get(i).symbol().equals("600519.SH")) {
        out.add("quote:" + all.get(i).symbol()).add("trade:" + all.get(i).symbol());
      }
    }
    return out;
  }
}
