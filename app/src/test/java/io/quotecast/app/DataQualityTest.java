package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The data-quality report ({@code GET /admin/quality} on the operations port) on the simulator: a gap injected into
 * one symbol's source sequence and a symbol made to stop updating are flagged — exactly those two, not the busy
 * healthy ones — and the stale flag clears when the symbol updates again. Admin scope only.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DataQualityTest {
  static final String GAP = "000001.SZ";
  static final String STALE = "601318.SH";
  static final String HEALTHY = "600519.SH";
  static final long STALE_MS = 2_000;
  static QuotecastServer server;

  @BeforeAll
  static void start() {
    server = QuotecastServer.start(config -> {
      TestTokens.configure(config, true, false);
      // every symbol updates ~10 times a second: none goes 2 s without an update unless made to
      config.getJsonObject("simulator").put("updatesPerSecond", 4000).put("skew", 0);
      config.put("quality", new JsonObject().put("staleMs", STALE_MS).put("staleFactor", 10));
      // one stale symbol is enough to alert here, quickly (the default is 50 for 30 s)
      config.getJsonObject("alerts").put("staleSymbols", new JsonObject().put("enabled", true)
          .put("severity", "warning").put("threshold", 0).put("forMs", 1000).put("clearMs", 1000));
    });
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static String admin() {
    return TestTokens.token("ops").scopes("admin").build();
  }

  static HttpResponse<Buffer> get(String uri, String token) {
    HttpRequest<Buffer> request = server.http.get(server.monitorPort, "127.0.0.1", uri);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    return QuotecastServer.await(request.send(), QuotecastServer.TIMEOUT_S);
  }

  static HttpResponse<Buffer> inject(String body) {
    return QuotecastServer.await(server.http.post(server.monitorPort, "127.0.0.1", "/admin/source/fault")
        .putHeader("Authorization", "Bearer " + admin()).sendBuffer(Buffer.buffer(body)), QuotecastServer.TIMEOUT_S);
  }

  static JsonObject report(String query) {
    HttpResponse<Buffer> r = get("/admin/quality" + query, admin());
    assertEquals(200, r.statusCode(), r::bodyAsString);
    return r.bodyAsJsonObject();
  }

  static Set<String> symbols(JsonObject report) {
    return report.getJsonArray("rows").stream().map(r -> ((JsonObject) r).getString("symbol"))
        .collect(Collectors.toSet());
  }

  static JsonObject row(JsonObject report, String symbol) {
    return report.getJsonArray("rows").stream().map(r -> (JsonObject) r)
        .filter(r -> symbol.equals(r.getString("symbol"))).findFirst().orElseThrow();
  }

  /** Polls the flagged report until its symbols are exactly {@code expected}; returns that report. */
  static JsonObject flaggedUntil(Set<String> expected, long timeoutMs) {
    AtomicReference<JsonObject> last = new AtomicReference<>();
    boolean ok = QuotecastServer.poll(() -> {
      last.set(report("?flagged=true&limit=1000"));
      return symbols(last.get()).equals(expected);
    }, timeoutMs);
    assertTrue(ok, () -> "flagged " + expected + " expected, got " + last.get().encodePrettily());
    return last.get();
  }

  @Test
  void theReportFlagsExactlyTheInjectedGapAndStaleSymbol() {
    // the market runs (every symbol updated: the oldest has an age) and nothing is flagged before the faults
    AtomicReference<JsonObject> oldest = new AtomicReference<>();
    assertTrue(QuotecastServer.poll(() -> {
      HttpResponse<Buffer> r = get("/admin/quality?sort=age&limit=1", admin());
      oldest.set(r.statusCode() == 200 ? r.bodyAsJsonObject() : null);
      return oldest.get() != null
          && oldest.get().getJsonArray("rows").getJsonObject(0).getLong("lastUpdateAgeMs") != null;
    }, 20_000), () -> "every symbol updates: " + oldest.get());
    flaggedUntil(Set.of(), 10_000);

    assertEquals(202, inject("{\"mode\":\"gap\",\"symbol\":\"" + GAP.toLowerCase() + "\",\"skip\":5}").statusCode());
    assertEquals(202, inject("{\"mode\":\"stale\",\"symbol\":\"" + STALE + "\",\"durationMs\":8000}").statusCode());
    JsonObject flagged = flaggedUntil(Set.of(GAP, STALE), 10_000);

    JsonObject gap = row(flagged, GAP);
    assertEquals(1, gap.getLong("gaps"), gap::encodePrettily);
    assertEquals(5, gap.getLong("missing"));
    assertEquals(new JsonArray().add("gap"), gap.getJsonArray("flags"));
    assertFalse(gap.getBoolean("stale"));
    assertEquals("平安银行", gap.getString("name"));
    assertEquals("node-1", gap.getString("owner"));
    assertEquals("continuous", gap.getString("phase"));

    JsonObject stale = row(flagged, STALE);
    assertTrue(stale.getBoolean("stale"), stale::encodePrettily);
    assertEquals(new JsonArray().add("stale"), stale.getJsonArray("flags"));
    assertTrue(stale.getLong("lastUpdateAgeMs") > STALE_MS, stale::encode);
    assertEquals(0, stale.getLong("gaps"));

    JsonObject totals = flagged.getJsonObject("totals");
    assertEquals(395, totals.getLong("symbols"), totals::encode);
    assertEquals(2, totals.getLong("flagged"));
    assertEquals(1, totals.getLong("stale"));
    assertEquals(1, totals.getLong("gaps"));
    assertEquals(5, totals.getLong("missing"));
    assertEquals(0, totals.getLong("invalid"));
    assertTrue(flagged.getBoolean("complete"), flagged::encode);
    assertTrue(flagged.getLong("time") > 0);

    // a busy healthy symbol is clean
    JsonObject healthy = get("/admin/quality/" + HEALTHY, admin()).bodyAsJsonObject();
    assertFalse(healthy.getBoolean("stale"), healthy::encodePrettily);
    assertEquals(new JsonArray(), healthy.getJsonArray("flags"));
    assertTrue(healthy.getLong("lastUpdateAgeMs") < STALE_MS, healthy::encode);
    assertEquals(0, healthy.getLong("gaps") + healthy.getJsonObject("invalid").getLong("total"));

    // sorted and cut: the stale symbol has gone longest without an update
    JsonObject byAge = report("?sort=age&limit=1");
    assertEquals(List.of(STALE), List.copyOf(symbols(byAge)), byAge::encode);
    assertEquals(395, byAge.getLong("matched"));
    assertEquals(List.of(GAP), List.copyOf(symbols(report("?sort=gaps&limit=1"))));
    assertEquals(List.of(GAP), List.copyOf(symbols(report("?symbol=" + GAP))));

    // the stale fault ends: the symbol updates again and only the day's gap remains
    flaggedUntil(Set.of(GAP), 15_000);
  }

  @Test
  void aStaleSymbolRaisesTheStaleSymbolsAlertUntilItUpdatesAgain() {
    String symbol = "600036.SH";
    assertEquals(202, inject("{\"mode\":\"stale\",\"symbol\":\"" + symbol + "\",\"durationMs\":5000}")
        .statusCode());
    AtomicReference<JsonObject> alert = new AtomicReference<>();
    assertTrue(QuotecastServer.poll(() -> {
      alert.set(staleAlert("firing"));
      return alert.get() != null;
    }, 15_000), () -> "alerts: " + get("/admin/alerts", admin()).bodyAsString());
    assertEquals("node-1", alert.get().getString("node"));
    JsonObject details = alert.get().getJsonObject("details");
    assertTrue(details.getJsonArray("symbols").contains(symbol), alert.get()::encode);
    assertTrue(QuotecastServer.poll(() -> staleAlert("resolved") != null, 20_000),
        () -> "resolved once the symbol updates: " + get("/admin/alerts", admin()).bodyAsString());
    // leaves the symbol unflagged for the other tests
    assertTrue(QuotecastServer.poll(() -> !get("/admin/quality/" + symbol, admin()).bodyAsJsonObject()
        .getBoolean("stale", true), 10_000));
  }

  private static JsonObject staleAlert(String state) {
    JsonObject body = get("/admin/alerts?state=" + state, admin()).bodyAsJsonObject();
    for (Object o : body.getJsonArray("alerts", new JsonArray())) {
      if (o instanceof JsonObject a && "staleSymbols".equals(a.getString("rule"))) {
        return a;
      }
    }
    return null;
  }

  @Test
  void theReportNeedsTheAdminScope() {
    String user = TestTokens.token("user").tier("pro").scopes("md:quote", "md:trade", "md:kline").build();
    for (String uri : List.of("/admin/quality", "/admin/quality?flagged=true", "/admin/quality/" + HEALTHY)) {
      assertEquals(401, get(uri, null).statusCode(), uri);
      assertEquals(403, get(uri, user).statusCode(), uri);
      HttpResponse<Buffer> ok = get(uri, admin());
      assertEquals(200, ok.statusCode(), () -> uri + ": " + ok.bodyAsString());
    }
  }

  @Test
  void badRequestsAreRefused() {
    for (String uri : List.of("/admin/quality?sort=name", "/admin/quality?limit=0", "/admin/quality?flagged=maybe",
        "/admin/quality?symbol=600519", "/admin/quality/AAPL")) {
      HttpResponse<Buffer> r = get(uri, admin());
      assertEquals(400, r.statusCode(), () -> uri + ": " + r.bodyAsString());
      assertEquals("BAD_REQUEST", r.bodyAsJsonObject().getString("code"));
    }
    HttpResponse<Buffer> unknown = get("/admin/quality/999999.SH", admin());
    assertEquals(404, unknown.statusCode(), unknown::bodyAsString);
    assertNull(get("/admin/quality?symbol=999999.SH", admin()).bodyAsJsonObject().getJsonArray("rows")
        .stream().findFirst().orElse(null), "no rows for an unlisted symbol");
    for (String body : List.of("{\"mode\":\"gap\"}", "{\"mode\":\"stale\",\"symbol\":\"AAPL\",\"durationMs\":10}",
        "{\"mode\":\"gap\",\"symbol\":\"000001.SZ\",\"skip\":0}")) {
      assertEquals(400, inject(body).statusCode(), body);
    }
  }
}
