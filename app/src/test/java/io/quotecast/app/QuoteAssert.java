package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.Set;

/** Checks of payloads against PROTOCOL.md §3. */
final class QuoteAssert {
  private static final Set<String> PHASES = Set.of("pre_open", "call_auction", "continuous", "lunch_break",
      "closing_auction", "closed", "halted");

  private QuoteAssert() {}

  /** A price: a number with at most two decimals (tick 0.01). */
  static BigDecimal price(JsonObject o, String field) {
    Object v = o.getValue(field);
    assertTrue(v instanceof Number, () -> field + " is not a number: " + o);
    BigDecimal d = new BigDecimal(v.toString());
    assertTrue(d.stripTrailingZeros().scale() <= 2, () -> field + " is not a multiple of 0.01: " + v);
    return d;
  }

  static void valid(JsonObject quote) {
    assertNotNull(quote.getString("symbol"));
    assertNotNull(quote.getString("name"));
    BigDecimal last = price(quote, "last");
    BigDecimal up = price(quote, "limitUp");
    BigDecimal down = price(quote, "limitDown");
    assertTrue(last.compareTo(up) <= 0 && last.compareTo(down) >= 0, () -> "last outside limits: " + quote);
    assertTrue(quote.getValue("volume") instanceof Number n && n.doubleValue() == n.longValue(), "volume integer");
    assertTrue(PHASES.contains(quote.getString("phase")), () -> "phase: " + quote.getString("phase"));
    JsonArray bids = quote.getJsonArray("bids");
    JsonArray asks = quote.getJsonArray("asks");
    if (!"continuous".equals(quote.getString("phase"))) {
      return;
    }
    // Five levels a side, except where the next level would pass a price limit (a symbol stuck at limit-up has
    // no asks at all): then the side's last level is close to that limit.
    assertTrue(bids.size() <= 5 && asks.size() <= 5, () -> "at most 5 levels: " + quote);
    BigDecimal near = up.multiply(new BigDecimal("0.01"));
    if (bids.size() < 5) {
      BigDecimal worst = bids.isEmpty() ? last : level(bids, bids.size() - 1);
      assertTrue(worst.subtract(down).compareTo(near) <= 0, () -> "fewer than 5 bids away from limit-down: " + quote);
    }
    if (asks.size() < 5) {
      BigDecimal worst = asks.isEmpty() ? last : level(asks, asks.size() - 1);
      assertTrue(up.subtract(worst).compareTo(near) <= 0, () -> "fewer than 5 asks away from limit-up: " + quote);
    }
    for (int i = 0; i < bids.size(); i++) {
      BigDecimal p = level(bids, i);
      assertTrue(p.compareTo(down) >= 0 && p.compareTo(up) <= 0, () -> "bid outside limits: " + quote);
      if (i > 0) {
        assertTrue(p.compareTo(level(bids, i - 1)) < 0, () -> "bids best first: " + bids);
      }
    }
    for (int i = 0; i < asks.size(); i++) {
      BigDecimal p = level(asks, i);
      assertTrue(p.compareTo(down) >= 0 && p.compareTo(up) <= 0, () -> "ask outside limits: " + quote);
      if (i > 0) {
        assertTrue(p.compareTo(level(asks, i - 1)) > 0, () -> "asks best first: " + asks);
      }
    }
    if (!bids.isEmpty() && !asks.isEmpty()) {
      assertTrue(level(bids, 0).compareTo(level(asks, 0)) < 0, () -> "bid < ask: " + quote);
    }
  }

  private static BigDecimal level(JsonArray side, int i) {
    BigDecimal d = new BigDecimal(side.getJsonArray(i).getValue(0).toString());
    assertTrue(d.stripTrailingZeros().scale() <= 2, () -> "price level not a multiple of 0.01: " + d);
    return d;
  }
}
