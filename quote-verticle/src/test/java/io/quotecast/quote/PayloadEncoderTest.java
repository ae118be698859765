package io.quotecast.quote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.Board;
import io.quotecast.common.KlineInterval;
import io.quotecast.common.Listing;
import io.quotecast.common.Publication;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PayloadEncoderTest {
  private static final Listing MOUTAI = new Listing("600519.SH", "贵州茅台", Board.MAIN, false, "GZMT", 172000,
      "白酒", "贵州", "20010827");

  private static SymbolState moutai() {
    SymbolState s = new SymbolState(MOUTAI, false);
    s.open = 171800;
    s.high = 173000;
    s.low = 171230;
    s.last = 172550;
    s.volume = 1_834_500;
    s.amount = 316_123_456_700L;
    long[] bids = {172549, 172548, 172545, 172540, 172538};
    long[] asks = {172550, 172552, 172555, 172560, 172566};
    for (int i = 0; i < 5; i++) {
      s.bidPx[i] = bids[i];
      s.bidSz[i] = 100L * (i + 1);
      s.askPx[i] = asks[i];
      s.askSz[i] = 200L * (i + 1);
    }
    s.bids = 5;
    s.asks = 5;
    return s;
  }

  @Test
  void quoteMatchesProtocol() {
    String text = PayloadEncoder.quote(moutai(), TradingPhase.CONTINUOUS, 1764000000000L);
    assertTrue(text.startsWith("{\"symbol\":\"600519.SH\",\"name\":\"贵州茅台\",\"last\":1725.50,\"open\":1718.00,"
        + "\"high\":1730.00,\"low\":1712.30,\"preClose\":1720.00,\"change\":5.50,\"changePct\":0.32,"
        + "\"volume\":1834500,\"amount\":3161234567.00,\"bids\":[[1725.49,100],[1725.48,200]"), text);
    assertTrue(text.endsWith("\"limitUp\":1892.00,\"limitDown\":1548.00,\"phase\":\"continuous\",\"time\":1764000000000}"),
        text);
    JsonObject q = new JsonObject(text);
    assertEquals(Set.of("symbol", "name", "last", "open", "high", "low", "preClose", "change", "changePct", "volume",
        "amount", "bids", "asks", "limitUp", "limitDown", "phase", "time"), q.fieldNames());
    assertEquals("贵州茅台", q.getString("name"));
    assertEquals(1725.5, q.getDouble("last"));
    assertEquals(1834500L, q.getLong("volume"));
    JsonArray bids = q.getJsonArray("bids");
    assertEquals(5, bids.size());
    assertEquals(1725.49, bids.getJsonArray(0).getDouble(0));
    assertEquals(100, bids.getJsonArray(0).getInteger(1));
    assertEquals(1725.50, q.getJsonArray("asks").getJsonArray(0).getDouble(0));
    assertFalse(text.matches(".*\\d\\.\\d{3,}.*"), "no float artifacts");
  }

  @Test
  void negativeChangeAndNoTradeYet() {
    SymbolState s = new SymbolState(MOUTAI, false);
    s.last = 171999;
    s.bids = 0;
    s.asks = 0;
    String text = PayloadEncoder.quote(s, TradingPhase.PRE_OPEN, 1L);
    assertTrue(text.contains("\"last\":1719.99,\"open\":1720.00,\"high\":1720.00,\"low\":1720.00,"), text);
    assertTrue(text.contains("\"change\":-0.01,\"changePct\":0.00,\"volume\":0,\"amount\":0.00,\"bids\":[],\"asks\":[]"),
        text);
    new JsonObject(text);
    s.last = 171000;
    text = PayloadEncoder.quote(s, TradingPhase.CONTINUOUS, 1L);
    assertTrue(text.contains("\"change\":-10.00,\"changePct\":-0.58,"), text); // -0.5814 %
  }

  @Test
  void tradeMatchesProtocol() {
    String text = PayloadEncoder.trade("600519.SH", new Trade(0, 918273, 172550, 200, 34_510_000, Side.BUY,
        1764000000000L));
    assertEquals("{\"symbol\":\"600519.SH\",\"tradeId\":918273,\"price\":1725.50,\"volume\":200,\"amount\":345100.00,"
        + "\"side\":\"buy\",\"time\":1764000000000}", text);
    new JsonObject(text);
  }

  @Test
  void klineMatchesProtocolAndEndsWithClosed() {
    Bar bar = new Bar(KlineInterval.M1, 1763999940000L, 172500, 172610, 172480, 172550, 52300, 9_023_100_000L, 188,
        false);
    String text = PayloadEncoder.kline("600519.SH", bar);
    assertEquals("{\"symbol\":\"600519.SH\",\"interval\":\"1m\",\"openTime\":1763999940000,\"closeTime\":1763999999999,"
        + "\"open\":1725.00,\"high\":1726.10,\"low\":1724.80,\"close\":1725.50,\"volume\":52300,"
        + "\"amount\":90231000.00,\"trades\":188,\"closed\":false}", text);
    JsonObject k = new JsonObject(text);
    assertFalse(k.getBoolean("closed"));
    assertFalse(new Publication("kline:1m:600519.SH", 1, "e", 0, text).isClosedBar());
    String closed = PayloadEncoder.kline("600519.SH", bar.asClosed());
    assertTrue(closed.endsWith("\"closed\":true}"));
    assertTrue(new Publication("kline:1m:600519.SH", 1, "e", 0, closed).isClosedBar());
  }

  @Test
  void namesAreEscaped() {
    for (String name : List.of("*ST国华", "A\"B\\C", "tab\there\nnew\u0001line", "\u2028x")) {
      Listing l = new Listing("000004.SZ", name, Board.MAIN, true, "X", 317, "", "", "");
      String text = PayloadEncoder.quote(new SymbolState(l, false), TradingPhase.CONTINUOUS, 5);
      assertEquals(name, new JsonObject(text).getString("name"));
    }
  }
}
