package io.quotecast.quote;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A question of the data-quality report ({@link io.quotecast.common.Addresses#QUOTE_QUALITY}, asked by the monitor)
 * and this node's answer: the rows of the owned symbols that match ({@code symbol}, {@code flagged}), the first
 * {@code limit} of them in {@code sort} order, and totals over every owned symbol. The monitor merges the nodes'
 * answers with the same order, so each node sending its first {@code limit} is enough. Pure.
 *
 * @param symbol only this symbol (canonical), or null for all
 * @param flaggedOnly only symbols with at least one flag
 */
record QualityQuery(String symbol, boolean flaggedOnly, Sort sort, int limit) {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 10_000;

  /** Row orders; ties go by symbol. */
  enum Sort {
    /** By symbol. */
    SYMBOL,
    /** Longest without an update first (never updated before all). */
    AGE,
    /** Most seq gaps first (then most missing numbers). */
    GAPS,
    /** Most invalid ticks first. */
    INVALID
  }

  /** Lenient: what is missing or unknown takes its default (the monitor validated the request). */
  static QualityQuery from(JsonObject q) {
    JsonObject body = q == null ? new JsonObject() : q;
    String symbol = body.getValue("symbol") instanceof String s && !s.isBlank()
        ? s.trim().toUpperCase(Locale.ROOT) : null;
    Sort sort;
    try {
      sort = Sort.valueOf(String.valueOf(body.getValue("sort", "symbol")).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      sort = Sort.SYMBOL;
    }
    int limit = body.getValue("limit") instanceof Number n ? n.intValue() : DEFAULT_LIMIT;
    return new QualityQuery(symbol, Boolean.TRUE.equals(body.getValue("flagged")), sort,
        Math.max(0, Math.min(MAX_LIMIT, limit)));
  }

  /**
   * This node's answer at {@code now}: {@code {time, phase, totals {symbols, flagged, stale, gaps, missing,
   * outOfOrder, invalid, crossedBooks, limitBreaches}, matched, rows}}; each row {@code {symbol, name, owner, ownerId,
   * phase, ...}} and the figures of {@link QualityBook#row}.
   */
  JsonObject answer(QuoteEngine engine, String owner, String ownerId, long now) {
    QualityBook book = engine.quality();
    String phase = engine.simulator().clock().phase(now).wire();
    long symbols = 0;
    long flagged = 0;
    long stale = 0;
    long gaps = 0;
    long missing = 0;
    long outOfOrder = 0;
    long invalid = 0;
    long crossed = 0;
    long limits = 0;
    List<JsonObject> rows = new ArrayList<>();
    for (int i = 0; i < engine.size(); i++) {
      if (!engine.owns(i)) {
        continue;
      }
      symbols++;
      boolean isStale = book.stale(i, now);
      boolean hasFlags = isStale || book.gaps(i) > 0 || book.outOfOrder(i) > 0 || book.invalidTotal(i) > 0;
      flagged += hasFlags ? 1 : 0;
      stale += isStale ? 1 : 0;
      gaps += book.gaps(i);
      missing += book.missing(i);
      outOfOrder += book.outOfOrder(i);
      invalid += book.invalidTotal(i);
      crossed += book.invalid(i, QualityBook.Invalid.CROSSED_BOOK);
      limits += book.invalid(i, QualityBook.Invalid.LIMIT_BREACH);
      SymbolState s = engine.simulator().state(i);
      if ((symbol != null && !symbol.equals(s.listing().symbol())) || (flaggedOnly && !hasFlags)) {
        continue;
      }
      rows.add(new JsonObject().put("symbol", s.listing().symbol()).put("name", s.listing().name())
          .put("owner", owner).put("ownerId", ownerId).put("phase", phase).mergeIn(book.row(i, now)));
    }
    int matched = rows.size();
    rows.sort(order(sort));
    JsonObject totals = new JsonObject().put("symbols", symbols).put("flagged", flagged).put("stale", stale)
        .put("gaps", gaps).put("missing", missing).put("outOfOrder", outOfOrder).put("invalid", invalid)
        .put("crossedBooks", crossed).put("limitBreaches", limits);
    return new JsonObject().put("time", now).put("phase", phase).put("totals", totals).put("matched", matched)
        .put("rows", new JsonArray(new ArrayList<>(rows.subList(0, Math.min(limit, matched)))));
  }

  /** The order of rows (JSON, as sent); the monitor's QualityReport sorts merged answers the same way. */
  static Comparator<JsonObject> order(Sort sort) {
    Comparator<JsonObject> bySymbol = Comparator.comparing(r -> r.getString("symbol"));
    return switch (sort) {
      case SYMBOL -> bySymbol;
      case AGE -> Comparator.<JsonObject>comparingLong(r -> {
        Long age = r.getLong("lastUpdateAgeMs");
        return age == null ? Long.MAX_VALUE : age;
      }).reversed().thenComparing(bySymbol);
      case GAPS -> Comparator.<JsonObject>comparingLong(r -> r.getLong("gaps", 0L))
          .thenComparingLong(r -> r.getLong("missing", 0L)).reversed().thenComparing(bySymbol);
      case INVALID -> Comparator.<JsonObject>comparingLong(r -> {
        JsonObject invalid = r.getJsonObject("invalid");
        return invalid == null ? 0 : invalid.getLong("total", 0L);
      }).reversed().thenComparing(bySymbol);
    };
  }
}
