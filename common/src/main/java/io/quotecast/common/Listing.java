package io.quotecast.common;

import io.vertx.core.json.JsonObject;

/**
 * One listed stock.
 *
 * @param symbol canonical symbol, e.g. {@code 600519.SH}
 * @param name Chinese short name, e.g. {@code 贵州茅台}
 * @param board listing board
 * @param st whether the name marks special treatment ({@code ST}, {@code *ST})
 * @param pinyin upper-case pinyin initials of the name, e.g. {@code GZMT}
 * @param preClose previous close in fen (hundredths of CNY)
 * @param industry industry, may be empty
 * @param area region, may be empty
 * @param listDate listing date {@code yyyyMMdd}, may be empty
 */
public record Listing(String symbol, String name, Board board, boolean st, String pinyin, long preClose,
                      String industry, String area, String listDate) {

  /** Six-digit code without the exchange suffix. */
  public String code() {
    return symbol.substring(0, 6);
  }

  /** {@code SH}, {@code SZ} or {@code BJ}. */
  public String exchange() {
    return symbol.substring(7);
  }

  public int limitPercent() {
    return board.limitPercent(st);
  }

  /** Limit-up price in fen: {@code preClose * (1 + limit)}, rounded half-up to the tick as the exchanges do. */
  public long limitUp() {
    return Price.percentOf(preClose, 100 + limitPercent());
  }

  /** Limit-down price in fen: {@code preClose * (1 - limit)}, rounded half-up to the tick. */
  public long limitDown() {
    return Price.percentOf(preClose, 100 - limitPercent());
  }

  /** Reference data as REST returns it. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("symbol", symbol).put("code", code()).put("exchange", exchange()).put("name", name)
        .put("board", board.wire()).put("st", st).put("pinyin", pinyin)
        .put("preClose", Price.toDecimal(preClose))
        .put("limitUp", Price.toDecimal(limitUp())).put("limitDown", Price.toDecimal(limitDown()))
        .put("limitPct", limitPercent())
        .put("industry", industry).put("area", area).put("listDate", listDate);
  }

  /** How a listing is named in suggestions: {@code 600519.SH 贵州茅台}. */
  public String suggestionText() {
    return symbol + " " + name;
  }
}
