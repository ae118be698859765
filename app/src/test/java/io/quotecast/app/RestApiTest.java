package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The REST API under /api/v1, its problem documents, the demo page, and REST–WebSocket agreement. */
class RestApiTest extends SharedServerTest {

  private static JsonObject json(HttpResponse<Buffer> r, int status) {
    assertEquals(status, r.statusCode(), r::bodyAsString);
    String type = r.getHeader("Content-Type");
    assertTrue(type != null && type.startsWith(status >= 400 ? "application/problem+json" : "application/json"),
        () -> "Content-Type " + type);
    return r.bodyAsJsonObject();
  }

  private static List<String> symbolsOf(JsonArray results) {
    return results.stream().map(o -> ((JsonObject) o).getString("symbol")).toList();
  }

  @Test
  void symbolSearchByPinyinAndName() {
    JsonObject byPinyin = json(server.get("/api/v1/symbols?q=gzmt"), 200);
    assertTrue(symbolsOf(byPinyin.getJsonArray("results")).contains(BUSY), byPinyin::encode);
    String q = URLEncoder.encode("茅台", StandardCharsets.UTF_8);
    JsonObject byName = json(server.get("/api/v1/symbols?q=" + q), 200);
    assertTrue(symbolsOf(byName.getJsonArray("results")).contains(BUSY), byName::encode);
    JsonObject byCode = json(server.get("/api/v1/symbols?q=600519"), 200);
    assertEquals(BUSY, symbolsOf(byCode.getJsonArray("results")).get(0));
  }

  @Test
  void symbolReferenceData() {
    JsonObject s = json(server.get("/api/v1/symbols/600519.sh"), 200);
    assertEquals(BUSY, s.getString("symbol"));
    assertEquals("贵州茅台", s.getString("name"));
    assertEquals("main", s.getString("board"));
    BigDecimal pre = QuoteAssert.price(s, "preClose");
    BigDecimal up = QuoteAssert.price(s, "limitUp");
    BigDecimal down = QuoteAssert.price(s, "limitDown");
    assertTrue(up.compareTo(pre) > 0 && down.compareTo(pre) < 0, s::encode);
    assertEquals(0, new BigDecimal("1892.00").compareTo(up), s::encode);
    assertEquals(0, new BigDecimal("1548.00").compareTo(down), s::encode);
  }

  @Test
  void unknownSymbolIsProblemWithSuggestions() {
    JsonObject p = json(server.get("/api/v1/symbols/600520.SH"), 404);
    assertEquals("INVALID_SYMBOL", p.getString("code"), p::encode);
    assertEquals(404, p.getInteger("status"));
    assertTrue(suggests(p.getJsonArray("suggestions"), BUSY), p::encode);
    JsonObject sz = json(server.get("/api/v1/quotes/600519.SZ"), 404);
    assertTrue(sz.getJsonArray("suggestions").contains("600519.SH 贵州茅台"), sz::encode);
  }

  @Test
  void quoteAndQuotes() {
    JsonObject q = json(server.get("/api/v1/quotes/600519.SH"), 200);
    assertEquals("quote:" + BUSY, q.getString("ch"));
    assertTrue(q.getLong("seq") > 0);
    assertNotNull(q.getString("epoch"));
    QuoteAssert.valid(q.getJsonObject("data"));
    assertEquals(BUSY, q.getJsonObject("data").getString("symbol"));

    JsonObject many = json(server.get("/api/v1/quotes?symbols=600519.SH,000001.SZ,999999.SH"), 200);
    JsonArray quotes = many.getJsonArray("quotes");
    assertEquals(2, quotes.size(), many::encode);
    assertEquals(List.of("quote:600519.SH", "quote:000001.SZ"),
        quotes.stream().map(o -> ((JsonObject) o).getString("ch")).toList());
    JsonArray rejected = many.getJsonArray("rejected");
    assertEquals(1, rejected.size(), many::encode);
    assertEquals("999999.SH", rejected.getJsonObject(0).getString("symbol"));
    assertEquals("INVALID_SYMBOL", rejected.getJsonObject(0).getString("code"));
  }

  @Test
  void klineHistory() {
    JsonObject daily = json(server.get("/api/v1/klines/600519.SH?interval=1d&limit=250"), 200);
    JsonArray days = daily.getJsonArray("klines");
    assertEquals(250, days.size(), "250 daily bars");
    checkBars(days, "1d");
    for (int i = 0; i < days.size() - 1; i++) {
      assertTrue(days.getJsonObject(i).getBoolean("closed"), "history bars are closed");
    }
    JsonObject minutes = json(server.get("/api/v1/klines/600519.SH?interval=1m&limit=240"), 200);
    JsonArray bars = minutes.getJsonArray("klines");
    assertEquals(240, bars.size(), "240 minute bars");
    checkBars(bars, "1m");

    JsonObject bad = json(server.get("/api/v1/klines/600519.SH?interval=2m"), 400);
    assertEquals("INVALID_CHANNEL", bad.getString("code"), bad::encode);
    assertTrue(bad.getJsonArray("allowed").contains("1d"), bad::encode);
    JsonObject unknown = json(server.get("/api/v1/klines/600520.SH?interval=1m"), 404);
    assertEquals("INVALID_SYMBOL", unknown.getString("code"));
  }

  private static void checkBars(JsonArray bars, String interval) {
    long prevOpen = Long.MIN_VALUE;
    for (int i = 0; i < bars.size(); i++) {
      JsonObject b = bars.getJsonObject(i);
      assertEquals(BUSY, b.getString("symbol"));
      assertEquals(interval, b.getString("interval"));
      long open = b.getLong("openTime");
      assertTrue(open > prevOpen, () -> "bars ordered by openTime at " + b);
      prevOpen = open;
      assertTrue(b.getLong("closeTime") > open);
      BigDecimal o = QuoteAssert.price(b, "open");
      BigDecimal h = QuoteAssert.price(b, "high");
      BigDecimal l = QuoteAssert.price(b, "low");
      BigDecimal c = QuoteAssert.price(b, "close");
      assertTrue(l.compareTo(h) <= 0 && l.compareTo(o.min(c)) <= 0 && h.compareTo(o.max(c)) >= 0,
          () -> "OHLC inconsistent: " + b);
      assertTrue(b.getLong("volume") >= 0);
    }
  }

  @Test
  void recentTrades() {
    JsonObject t = json(server.get("/api/v1/trades/600519.SH?limit=20"), 200);
    JsonArray trades = t.getJsonArray("trades");
    assertTrue(trades.size() > 0 && trades.size() <= 20, t::encode);
    long prev = Long.MIN_VALUE;
    for (int i = 0; i < trades.size(); i++) {
      JsonObject trade = trades.getJsonObject(i);
      assertEquals(BUSY, trade.getString("symbol"));
      assertTrue(trade.getLong("tradeId") > prev, "ordered by tradeId");
      prev = trade.getLong("tradeId");
      QuoteAssert.price(trade, "price");
      assertTrue(List.of("buy", "sell", "neutral").contains(trade.getString("side")));
    }
  }

  @Test
  void statusAndUnknownResource() {
    JsonObject s = json(server.get("/api/v1/status"), 200);
    assertEquals("node-1", s.getString("node"));
    assertTrue(s.getJsonArray("sources").stream().map(JsonObject.class::cast)
        .anyMatch(x -> "simulator".equals(x.getString("source"))), s::encode);
    JsonObject gateway = s.getJsonObject("gateway");
    assertNotNull(gateway, s::encode);
    assertTrue(gateway.containsKey("connections") && gateway.containsKey("feeds"), s::encode);

    JsonObject nope = json(server.get("/api/v1/nope"), 404);
    assertNotNull(nope.getString("code"), nope::encode);
  }

  @Test
  void badQueryParametersAreProblems() {
    JsonObject zero = json(server.get("/api/v1/trades/600519.SH?limit=0"), 400);
    assertEquals("BAD_REQUEST", zero.getString("code"), zero::encode);
    assertEquals("limit", zero.getString("field"), zero::encode);
    JsonObject huge = json(server.get("/api/v1/klines/600519.SH?interval=1m&limit=100000"), 400);
    assertEquals("limit", huge.getString("field"), huge::encode);
    JsonObject text = json(server.get("/api/v1/klines/600519.SH?interval=1m&limit=abc"), 400);
    assertEquals("limit", text.getString("field"), text::encode);
    JsonObject none = json(server.get("/api/v1/quotes"), 400);
    assertEquals("symbols", none.getString("field"), none::encode);
  }

  @Test
  void demoPageAndSockJsClient() {
    HttpResponse<Buffer> page = server.get("/");
    assertEquals(200, page.statusCode());
    assertTrue(page.getHeader("Content-Type").startsWith("text/html"), page.getHeader("Content-Type"));
    HttpResponse<Buffer> js = server.get("/webjars/sockjs-client/1.6.1/dist/sockjs.min.js");
    assertEquals(200, js.statusCode());
    assertTrue(js.bodyAsString().contains("SockJS"));
  }

  @Test
  void theJsClientIsServedImportableFromOtherOriginsAndNeverCachedStale() {
    HttpResponse<Buffer> module = server.get("/js/quotecast.js");
    assertEquals(200, module.statusCode());
    assertTrue(module.getHeader("Content-Type").startsWith("text/javascript"), module.getHeader("Content-Type"));
    assertTrue(module.bodyAsString().contains("export class QuotecastClient"));
    assertEquals("*", module.getHeader("Access-Control-Allow-Origin"));
    for (String path : new String[] {"/", "/js/quotecast.js", "/js/app.js"}) {
      String cache = server.get(path).getHeader("Cache-Control");
      assertTrue(cache == null || !cache.contains("immutable") && !cache.contains("max-age=86400"),
          () -> path + " must be revalidated after an upgrade: " + cache);
    }
    assertEquals(null, server.get("/js/app.js").getHeader("Access-Control-Allow-Origin"), "only the client module");
  }

  @Test
  void wsWithoutUpgradeIsProblem() {
    HttpResponse<Buffer> r = server.get("/ws");
    assertEquals(400, r.statusCode(), r::bodyAsString);
    assertEquals("BAD_REQUEST", r.bodyAsJsonObject().getString("code"));
  }

  @Test
  void restQuoteAgreesWithWebSocket() {
    WsClient c = client();
    String ch = "quote:" + BUSY;
    c.ok("subscribe", subscribeArgs(ch));
    c.waitForChannel(ch, 5, WsClient.WAIT_MS);
    for (int round = 0; round < 3; round++) {
      JsonObject rest = json(server.get("/api/v1/quotes/600519.SH"), 200);
      long seq = rest.getLong("seq");
      String epoch = rest.getString("epoch");
      JsonObject ws = c.waitFor(m -> ch.equals(m.getString("ch")) && m.getLong("seq") == seq, WsClient.WAIT_MS);
      String wsEpoch = c.channel(ch).get(0).getJsonObject("meta").getString("epoch");
      assertEquals(wsEpoch, epoch, "same epoch");
      assertEquals(rest.getJsonObject("data"), ws.getJsonObject("data"), "REST and WebSocket agree at seq " + seq);
      QuotecastServer.sleep(100);
    }
  }
}
