package io.quotecast.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Quick checks of the small protocol classes in common. */
class CommonModelTest {

  @Test
  void channelKeysParseCaseInsensitively() {
    ChannelKey q = ChannelKey.parse("quote:600519.sh");
    assertEquals("quote:600519.SH", q.toString());
    assertEquals(ChannelType.QUOTE, q.type());
    assertEquals("600519.SH", q.symbol());
    assertNull(q.interval());
    assertEquals("md.quote.600519.SH", q.address());
    assertEquals(ChannelKey.quote("600519.SH"), q);
    assertEquals(q.hashCode(), ChannelKey.quote("600519.SH").hashCode());

    assertEquals("trade:000001.SZ", ChannelKey.parse("TRADE:000001.Sz").toString());
    ChannelKey k = ChannelKey.parse("kline:1m:600519.sh");
    assertEquals("kline:1m:600519.SH", k.toString());
    assertEquals(KlineInterval.M1, k.interval());
    assertEquals("md.kline.1m.600519.SH", k.address());
    for (String interval : KlineInterval.wireNames()) {
      assertEquals("kline:" + interval + ":920185.BJ", ChannelKey.parse("kline:" + interval + ":920185.bj").toString());
    }
    assertEquals(List.of("1m", "5m", "15m", "30m", "60m", "1d"), KlineInterval.wireNames());
  }

  private static ProtocolException parseFails(String text) {
    return assertThrows(ProtocolException.class, () -> ChannelKey.parse(text), text);
  }

  @Test
  void badChannelKeys() {
    ProtocolException type = parseFails("quotes:600519.SH");
    assertEquals(ErrorCode.INVALID_CHANNEL, type.code());
    assertEquals(new JsonArray(List.of("quote", "trade", "kline")), type.extra().getJsonArray("allowed"));
    assertEquals(ErrorCode.INVALID_CHANNEL, parseFails("600519.SH").code());
    assertEquals(ErrorCode.INVALID_CHANNEL, parseFails("").code());
    assertEquals(ErrorCode.INVALID_CHANNEL, parseFails(null).code());
    assertEquals(ErrorCode.INVALID_CHANNEL, parseFails("quote:" + "1".repeat(70)).code());

    ProtocolException interval = parseFails("kline:2m:600519.SH");
    assertEquals(ErrorCode.INVALID_CHANNEL, interval.code());
    assertEquals(new JsonArray(KlineInterval.wireNames()), interval.extra().getJsonArray("allowed"));
    assertEquals(ErrorCode.INVALID_CHANNEL, parseFails("kline:600519.SH").code());

    ProtocolException symbol = parseFails("quote:60051.SH");
    assertEquals(ErrorCode.INVALID_SYMBOL, symbol.code());
    assertEquals("60051.SH", symbol.extra().getString("symbol"));
    JsonObject json = symbol.toJson();
    assertEquals("INVALID_SYMBOL", json.getString("code"));
    assertEquals("60051.SH", json.getString("symbol"));
    assertTrue(json.getString("message").contains("60051.SH"));
    assertEquals(ErrorCode.INVALID_SYMBOL, parseFails("quote:600519.HK").code());
    assertEquals(ErrorCode.INVALID_SYMBOL, parseFails("quote:gzmt").code());
    assertEquals("gzmt", parseFails("kline:1d:gzmt").extra().getString("symbol"));
    assertEquals("", parseFails("trade:").extra().getString("symbol"));
  }

  @Test
  void symbolCodes() {
    assertEquals("600519.SH", SymbolCode.normalize("600519.sh"));
    assertEquals("920185.BJ", SymbolCode.normalize(" 920185.bJ "));
    assertNull(SymbolCode.normalize("600519"));
    assertNull(SymbolCode.normalize("600519SH"));
    assertNull(SymbolCode.normalize("60051a.SH"));
    assertNull(SymbolCode.normalize("600519.HK"));
    assertNull(SymbolCode.normalize(null));
  }

  @Test
  void priceFormatting() {
    assertEquals("1725.50", Price.format(172_550));
    assertEquals("-0.05", Price.format(-5));
    assertEquals("0.00", Price.format(0));
    assertEquals("0.10", Price.format(10));
    assertEquals("-1725.05", Price.format(-172_505));
    assertEquals("92233720368547758.07", Price.format(Long.MAX_VALUE));
    assertEquals("-92233720368547758.08", Price.format(Long.MIN_VALUE));
    assertEquals(172_550, Price.parse("1725.5"));
    assertEquals(172_550, Price.parse(" 1725.50 "));
    assertEquals(101, Price.parse("1.005"));
    assertEquals(new BigDecimal("1720.00"), Price.toDecimal(172_000));
  }

  @Test
  void percentOfRoundsHalfUp() {
    assertEquals(101, Price.percentOf(1_005, 10)); // 100.5 -> 101
    assertEquals(100, Price.percentOf(1_004, 10)); // 100.4 -> 100
    assertEquals(17, Price.percentOf(333, 5)); // 16.65 -> 17
    assertEquals(17_200, Price.percentOf(172_000, 10));
    assertEquals(-101, Price.percentOf(-1_005, 10)); // half away from zero
    assertEquals(32, Price.percentChange(550, 172_000)); // 0.3197% -> 0.32
    assertEquals(0, Price.percentChange(5, 0));
  }

  @Test
  void freqs() {
    assertEquals(Freq.S1, Freq.MS250.atLeast(Freq.S1));
    assertEquals(Freq.S3, Freq.S3.atLeast(Freq.S1));
    assertEquals(Freq.MS250, Freq.MS250.atLeast(Freq.REALTIME));
    assertEquals(Freq.M1, Freq.fromWire("1M"));
    assertNull(Freq.fromWire("2s"));
    assertEquals(List.of("realtime", "100ms", "250ms", "500ms", "1s", "3s", "5s", "10s", "1m"), Freq.wireNames());
  }

  @ParameterizedTest
  @ValueSource(strings = {"limits.subscriptionsPerConnection=QUOTECAST_LIMITS_SUBSCRIPTIONS_PER_CONNECTION",
      "gateway.port=QUOTECAST_GATEWAY_PORT", "gateway.heartbeatMs=QUOTECAST_GATEWAY_HEARTBEAT_MS",
      "node.id=QUOTECAST_NODE_ID", "symbols.listingsFile=QUOTECAST_SYMBOLS_LISTINGS_FILE"})
  void configEnvNames(String pair) {
    String[] kv = pair.split("=");
    assertEquals(kv[1], ConfigLoader.envName(kv[0]));
  }

  @Test
  void listingJsonEncodesExactDecimals() {
    Listing moutai = new Listing("600519.SH", "贵州茅台", Board.MAIN, false, "GZMT", 172_000, "白酒", "贵州", "20010827");
    String text = moutai.toJson().encode();
    assertTrue(text.contains("\"preClose\":1720.00"), text);
    assertTrue(text.contains("\"limitUp\":1892.00"), text);
    assertTrue(text.contains("\"limitDown\":1548.00"), text);
    assertTrue(text.contains("\"limitPct\":10"), text);
    assertTrue(text.contains("\"name\":\"贵州茅台\""), text);
    assertTrue(text.contains("\"board\":\"main\""), text);
    assertEquals("600519.SH 贵州茅台", moutai.suggestionText());
    Listing st = new Listing("000004.SZ", "*ST国华", Board.MAIN, true, "*STGH", 333, "", "", "");
    String stText = st.toJson().encode();
    assertTrue(stText.contains("\"preClose\":3.33,\"limitUp\":3.50,\"limitDown\":3.16,\"limitPct\":5"), stText);
  }

  @Test
  void percentChangeFastPathEqualsExactHalfUpRounding() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(1);
    for (int k = 0; k < 200_000; k++) {
      long den = 1 + r.nextLong(500_000);
      long num = r.nextLong(-den, den + 1);
      long exact = java.math.BigDecimal.valueOf(num).multiply(java.math.BigDecimal.valueOf(10_000))
          .divide(java.math.BigDecimal.valueOf(den), 0, java.math.RoundingMode.HALF_UP).longValueExact();
      assertEquals(exact, Price.percentChange(num, den), num + "/" + den);
    }
    assertEquals(1, Price.percentChange(1, 20_000)); // 0.005 % -> 0.01
    assertEquals(-1, Price.percentChange(-1, 20_000));
    assertEquals(-50, Price.percentChange(1, -200)); // negative denominators take the exact path
    assertEquals(0, Price.percentChange(1, Long.MAX_VALUE)); // huge denominators take the exact path too
  }
}
