package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The data-quality report on an upstream feed (docs/UPSTREAM-FEED.md): a jump in a symbol's {@code seq}, a tick
 * stamped before the previous one, a crossed book, a price beyond the daily limit and a refused price all show in
 * that symbol's row — and in no other symbol's.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FeedQualityTest {
  static final String SYMBOL = "600519.SH"; // previous close 1720.00: limits 1548.00 .. 1892.00
  static final String CLEAN = "002202.SZ";
  static Vertx feedVertx;
  static FakeUpstreamFeed feed;
  static QuotecastServer server;

  @BeforeAll
  static void start() {
    feedVertx = Vertx.vertx();
    feed = FakeUpstreamFeed.start(feedVertx, 0);
    server = QuotecastServer.start(config -> {
      TestTokens.configure(config, true, false);
      config.getJsonObject("source").put("kind", "feed").getJsonObject("feed").put("url", feed.url());
      // only the symbols the test sends ticks for trade: none of the others may count as stale here
      config.put("quality", new JsonObject().put("staleMs", 3_600_000).put("staleFactor", 10));
    });
    assertTrue(QuotecastServer.poll(() -> server.getMonitor("/health/ready").statusCode() == 200, 20_000),
        "connected to the feed");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (feed != null) {
      feed.close();
    }
    if (feedVertx != null) {
      QuotecastServer.await(feedVertx.close(), 20);
    }
  }

  static JsonObject admin(String uri) {
    HttpResponse<Buffer> r = QuotecastServer.await(server.http.get(server.monitorPort, "127.0.0.1", uri)
        .putHeader("Authorization", "Bearer " + TestTokens.token("ops").scopes("admin").build()).send(),
        QuotecastServer.TIMEOUT_S);
    assertEquals(200, r.statusCode(), () -> uri + ": " + r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  static String trade(String symbol, long seq, long ts, String price) {
    return "{\"type\":\"trade\",\"symbol\":\"" + symbol + "\",\"seq\":" + seq + ",\"ts\":" + ts + ",\"price\":\""
        + price + "\",\"size\":100,\"side\":\"B\"}";
  }

  @Test
  void badTicksShowInTheirSymbolsRow() {
    long t = System.currentTimeMillis();
    feed.send("[" + String.join(",",
        trade(SYMBOL, 1, t, "1725.50"),
        trade(SYMBOL, 2, t - 500, "1725.60"), // stamped before the previous tick: out of order (still applied)
        // seq 3 and 4 never come: a gap of two
        "{\"type\":\"book\",\"symbol\":\"" + SYMBOL + "\",\"seq\":5,\"ts\":" + t + ",\"bids\":[[\"1725.60\",100]],"
            + "\"asks\":[[\"1725.50\",100]]}", // crossed: best bid above best ask
        trade(SYMBOL, 6, t, "1999.00"), // beyond limit-up 1892.00
        trade(SYMBOL, 7, t, "1725.555"), // three decimals: refused, not rounded
        trade(CLEAN, 1, t, "10.10"),
        trade(CLEAN, 2, t, "10.11")) + "]");

    AtomicReference<JsonObject> last = new AtomicReference<>();
    assertTrue(QuotecastServer.poll(() -> {
      last.set(admin("/admin/quality/" + SYMBOL));
      return last.get().getJsonObject("invalid").getLong("total") == 3;
    }, 10_000), () -> "three refused ticks: " + last.get().encodePrettily());
    JsonObject row = last.get();
    assertEquals(1, row.getLong("crossedBooks"), row::encodePrettily);
    assertEquals(1, row.getLong("limitBreaches"));
    assertEquals(1, row.getLong("outOfOrder"));
    assertEquals(1, row.getLong("gaps"));
    assertEquals(2, row.getLong("missing"));
    assertEquals(new JsonObject().put("total", 3).put("malformed", 0).put("outOfRange", 1).put("crossedBook", 1)
        .put("limitBreach", 1), row.getJsonObject("invalid"));
    assertEquals(new JsonArray().add("gap").add("outOfOrder").add("invalid").add("crossedBook").add("limitBreach"),
        row.getJsonArray("flags"));
    assertEquals(2, row.getLong("updates"), "the two valid trades were applied");
    assertNotNull(row.getLong("lastTradeAgeMs"));
    assertEquals("贵州茅台", row.getString("name"));

    JsonObject clean = admin("/admin/quality/" + CLEAN);
    assertEquals(2, clean.getLong("updates"), clean::encodePrettily);
    assertEquals(new JsonArray(), clean.getJsonArray("flags"));

    JsonObject flagged = admin("/admin/quality?flagged=true");
    assertEquals(List.of(SYMBOL), flagged.getJsonArray("rows").stream()
        .map(r -> ((JsonObject) r).getString("symbol")).toList(), flagged::encodePrettily);
    JsonObject totals = flagged.getJsonObject("totals");
    assertEquals(3, totals.getLong("invalid"), totals::encode);
    assertEquals(1, totals.getLong("crossedBooks"));
    assertEquals(1, totals.getLong("limitBreaches"));
    assertEquals(1, totals.getLong("outOfOrder"));
    assertEquals(List.of(SYMBOL), admin("/admin/quality?sort=invalid&limit=1").getJsonArray("rows").stream()
        .map(r -> ((JsonObject) r).getString("symbol")).toList());
  }
}
