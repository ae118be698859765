package io.quotecast.sdk;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;

/** A {@code kline:<interval>:<symbol>} payload (PROTOCOL.md §3): one bar; {@code closed} marks its final state. */
public record Kline(String symbol, String interval, long openTime, long closeTime, BigDecimal open, BigDecimal high,
                    BigDecimal low, BigDecimal close, long volume, BigDecimal amount, long trades, boolean closed) {

  public static Kline from(JsonObject j) {
    return new Kline(j.getString("symbol"), j.getString("interval"), Decimals.longOf(j.getValue("openTime")),
        Decimals.longOf(j.getValue("closeTime")), Decimals.of(j.getValue("open")), Decimals.of(j.getValue("high")),
        Decimals.of(j.getValue("low")), Decimals.of(j.getValue("close")), Decimals.longOf(j.getValue("volume")),
        Decimals.of(j.getValue("amount")), Decimals.longOf(j.getValue("trades")), j.getBoolean("closed", false));
  }
}
