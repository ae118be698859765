package io.quotecast.sdk;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;

/** A {@code trade:<symbol>} payload (PROTOCOL.md §3); {@code side} is {@code buy}, {@code sell} or {@code neutral}. */
public record Trade(String symbol, long tradeId, BigDecimal price, long volume, BigDecimal amount, String side,
                    long time) {

  public static Trade from(JsonObject j) {
    return new Trade(j.getString("symbol"), Decimals.longOf(j.getValue("tradeId")), Decimals.of(j.getValue("price")),
        Decimals.longOf(j.getValue("volume")), Decimals.of(j.getValue("amount")), j.getString("side"),
        Decimals.longOf(j.getValue("time")));
  }
}
