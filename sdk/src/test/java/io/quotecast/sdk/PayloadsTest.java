package io.quotecast.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The PROTOCOL.md §3 samples, as the server's PayloadEncoder writes them. */
class PayloadsTest {
  @Test
  void quote() {
    Quote q = Quote.from(new JsonObject("""
        {"symbol":"600519.SH","name":"贵州茅台","last":1725.50,"open":1718.00,"high":1730.00,"low":1712.30,
         "preClose":1720.00,"change":5.50,"changePct":0.32,"volume":1834500,"amount":3161234567.00,
         "bids":[[1725.49,300],[1725.48,1200],[1725.45,500],[1725.40,800],[1725.38,100]],
         "asks":[[1725.50,200],[1725.52,900],[1725.55,400],[1725.60,700],[1725.66,300]],
         "limitUp":1892.00,"limitDown":1548.00,"phase":"continuous","time":1764000000000}"""));
    assertEquals("600519.SH", q.symbol());
    assertEquals("贵州茅台", q.name());
    assertEquals(new BigDecimal("1725.50"), q.last());
    assertEquals(new BigDecimal("1712.30"), q.low());
    assertEquals(new BigDecimal("0.32"), q.changePct());
    assertEquals(new BigDecimal("3161234567.00"), q.amount());
    assertEquals(1834500L, q.volume());
    assertEquals(5, q.bids().size());
    assertEquals(new Level(new BigDecimal("1725.49"), 300), q.bids().get(0));
    assertEquals(new Level(new BigDecimal("1725.66"), 300), q.asks().get(4));
    assertTrue(q.bids().get(0).price().compareTo(q.asks().get(0).price()) < 0);
    assertEquals("continuous", q.phase());
    assertEquals(1764000000000L, q.time());
  }

  @Test
  void trade() {
    Trade t = Trade.from(new JsonObject("""
        {"symbol":"600519.SH","tradeId":918273,"price":1725.50,"volume":200,"amount":345100.00,"side":"buy",
         "time":1764000000000}"""));
    assertEquals(new Trade("600519.SH", 918273, new BigDecimal("1725.50"), 200, new BigDecimal("345100.00"), "buy",
        1764000000000L), t);
  }

  @Test
  void kline() {
    Kline k = Kline.from(new JsonObject("""
        {"symbol":"600519.SH","interval":"1m","openTime":1763999940000,"closeTime":1763999999999,
         "open":1725.00,"high":1726.10,"low":1724.80,"close":1725.50,"volume":52300,"amount":90231000.00,
         "trades":188,"closed":false}"""));
    assertEquals(new Kline("600519.SH", "1m", 1763999940000L, 1763999999999L, new BigDecimal("1725.00"),
        new BigDecimal("1726.10"), new BigDecimal("1724.80"), new BigDecimal("1725.50"), 52300,
        new BigDecimal("90231000.00"), 188, false), k);
  }

  @Test
  void discoveryPicksTheFirstReadyEndpoint() {
    JsonObject body = new JsonObject("""
        {"endpoints":[{"url":"ws://a:8080/ws","state":"draining"},{"url":"ws://b:8081/ws","state":"ready"}],
         "self":"ws://a:8080/ws"}""");
    assertEquals("ws://b:8081/ws", Discovery.pick(body));
    assertEquals("ws://a:8080/ws", Discovery.pick(new JsonObject().put("self", "ws://a:8080/ws")));
    assertEquals("http://lb:8080/api/v1/endpoints", Discovery.endpointsUrl("http://lb:8080/"));
  }

  @Test
  void channelsAreCanonical() {
    assertEquals("trade:600519.SH", QuotecastClient.canonical("Trade:600519.sh"));
    assertEquals("kline:1m:000001.SZ", QuotecastClient.canonical("KLINE:1m:000001.sz"));
  }

  @Test
  void fullJitterStaysWithinTheDoublingWindow() {
    double[] r = {0.999999};
    Backoff b = new Backoff(500, 20_000, () -> r[0]);
    List<Long> ceilings = List.of(500L, 1000L, 2000L, 4000L, 8000L, 16000L, 20000L, 20000L);
    for (long ceiling : ceilings) {
      assertEquals(ceiling, b.next());
    }
    r[0] = 0;
    assertEquals(0, b.next());
    b.reset();
    r[0] = 0.5;
    assertEquals(250, b.next());
  }
}
