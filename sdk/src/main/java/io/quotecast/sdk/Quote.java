package io.quotecast.sdk;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;

/**
 * A {@code quote:<symbol>} payload (PROTOCOL.md §3). Prices and amounts are exact decimals, volumes are shares, times
 * epoch milliseconds. Bids best first (descending), asks best first (ascending).
 */
public record Quote(String symbol, String name, BigDecimal last, BigDecimal open, BigDecimal high, BigDecimal low,
                    BigDecimal preClose, BigDecimal change, BigDecimal changePct, long volume, BigDecimal amount,
                    List<Level> bids, List<Level> asks, BigDecimal limitUp, BigDecimal limitDown, String phase,
                    long time) {

  public static Quote from(JsonObject j) {
    return new Quote(j.getString("symbol"), j.getString("name"), Decimals.of(j.getValue("last")),
        Decimals.of(j.getValue("open")), Decimals.of(j.getValue("high")), Decimals.of(j.getValue("low")),
        Decimals.of(j.getValue("preClose")), Decimals.of(j.getValue("change")), Decimals.of(j.getValue("changePct")),
        Decimals.longOf(j.getValue("volume")), Decimals.of(j.getValue("amount")), Level.list(j.getJsonArray("bids")),
        Level.list(j.getJsonArray("asks")), Decimals.of(j.getValue("limitUp")), Decimals.of(j.getValue("limitDown")),
        j.getString("phase"), Decimals.longOf(j.getValue("time")));
  }
}
