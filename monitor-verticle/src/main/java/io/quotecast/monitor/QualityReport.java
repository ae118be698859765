package io.quotecast.monitor;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The data-quality report's logic, without Vert.x: reads the request's filters into the question every quote node
 * answers ({@code io.quotecast.quote.QualityQuery} there), and merges the nodes' answers into one report: totals
 * summed, rows merged in the requested order and cut to the limit. Each node sends at most {@code limit} rows already
 * in that order, so the first {@code limit} of the merge are the first of the whole market.
 */
final class QualityReport {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 10_000;
  static final List<String> SORTS = List.of("symbol", "age", "gaps", "invalid");
  private static final Pattern SYMBOL = Pattern.compile("[0-9]{6}\\.(SH|SZ|BJ)");
  private static final List<String> TOTALS = List.of("symbols", "flagged", "stale", "gaps", "missing", "outOfOrder",
      "invalid", "crossedBooks", "limitBreaches");

  private QualityReport() {}

  /** A request the report cannot answer: 400 with this message. */
  static final class BadQuery extends IllegalArgumentException {
    BadQuery(String message) {
      super(message);
    }
  }

  /**
   * The question from the query parameters (each null when absent): {@code symbol} (canonical, case-insensitive),
   * {@code flagged} ({@code true|false}), {@code sort} ({@link #SORTS}), {@code limit} (1..{@value #MAX_LIMIT}).
   *
   * @throws BadQuery naming the parameter and what it allows
   */
  static JsonObject question(String symbol, String flagged, String sort, String limit) {
    JsonObject q = new JsonObject();
    if (symbol != null && !symbol.isBlank()) {
      q.put("symbol", symbol(symbol));
    }
    if (flagged == null || flagged.isBlank()) {
      q.put("flagged", false);
    } else if (flagged.equalsIgnoreCase("true") || flagged.equalsIgnoreCase("false")) {
      q.put("flagged", Boolean.parseBoolean(flagged.toLowerCase(Locale.ROOT)));
    } else {
      throw new BadQuery("flagged: expected true or false, got '" + flagged + "'");
    }
    String s = sort == null || sort.isBlank() ? "symbol" : sort.trim().toLowerCase(Locale.ROOT);
    if (!SORTS.contains(s)) {
      throw new BadQuery("sort: expected one of " + SORTS + ", got '" + sort + "'");
    }
    q.put("sort", s);
    int n = DEFAULT_LIMIT;
    if (limit != null && !limit.isBlank()) {
      try {
        n = Integer.parseInt(limit.trim());
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 1 || n > MAX_LIMIT) {
        throw new BadQuery("limit: expected an integer from 1 to " + MAX_LIMIT + ", got '" + limit + "'");
      }
    }
    return q.put("limit", n);
  }

  /** A canonical symbol ({@code 600519.SH}) from user input, or {@link BadQuery}. */
  static String symbol(String raw) {
    String s = raw.trim().toUpperCase(Locale.ROOT);
    if (!SYMBOL.matcher(s).matches()) {
      throw new BadQuery("symbol: expected six digits and .SH, .SZ or .BJ (e.g. 600519.SH), got '" + raw + "'");
    }
    return s;
  }

  /**
   * One report from the quote nodes' answers at {@code now}: {@code {time, query, nodes [{node, name, symbols, time}],
   * expectedNodes, complete, totals, matched, returned, rows}}. {@code complete} is false when fewer nodes answered
   * than are registered (a node's symbols are then missing).
   */
  static JsonObject merge(List<JsonObject> answers, JsonObject question, int expectedNodes, long now) {
    JsonObject totals = new JsonObject();
    TOTALS.forEach(k -> totals.put(k, 0L));
    JsonArray nodes = new JsonArray();
    List<JsonObject> rows = new ArrayList<>();
    long matched = 0;
    for (JsonObject a : answers) {
      JsonObject t = a.getJsonObject("totals", new JsonObject());
      TOTALS.forEach(k -> totals.put(k, totals.getLong(k) + t.getLong(k, 0L)));
      nodes.add(new JsonObject().put("node", a.getString("node")).put("name", a.getString("name"))
          .put("symbols", t.getLong("symbols", 0L)).put("time", a.getLong("time")));
      matched += a.getLong("matched", 0L);
      a.getJsonArray("rows", new JsonArray()).forEach(r -> rows.add((JsonObject) r));
    }
    rows.sort(order(question.getString("sort", "symbol")));
    int limit = question.getInteger("limit", DEFAULT_LIMIT);
    List<JsonObject> first = rows.subList(0, Math.min(limit, rows.size()));
    return new JsonObject()
        .put("time", now)
        .put("query", question.copy())
        .put("nodes", nodes)
        .put("expectedNodes", expectedNodes)
        .put("complete", !answers.isEmpty() && answers.size() >= expectedNodes)
        .put("totals", totals)
        .put("matched", matched)
        .put("returned", first.size())
        .put("rows", new JsonArray(new ArrayList<>(first)));
  }

  /** The row of {@code symbol} among the answers with the report time, or null when no node reported it. */
  static JsonObject row(List<JsonObject> answers, String symbol, long now) {
    for (JsonObject a : answers) {
      for (Object r : a.getJsonArray("rows", new JsonArray())) {
        JsonObject row = (JsonObject) r;
        if (symbol.equals(row.getString("symbol"))) {
          return new JsonObject().put("time", now).mergeIn(row);
        }
      }
    }
    return null;
  }

  /** Row order for {@code sort}; ties by symbol. Mirrors the quote nodes' order. */
  static Comparator<JsonObject> order(String sort) {
    Comparator<JsonObject> bySymbol = Comparator.comparing(r -> r.getString("symbol", ""));
    return switch (sort) {
      case "age" -> Comparator.<JsonObject>comparingLong(r -> {
        Long age = r.getLong("lastUpdateAgeMs");
        return age == null ? Long.MAX_VALUE : age; // never updated: the oldest of all
      }).reversed().thenComparing(bySymbol);
      case "gaps" -> Comparator.<JsonObject>comparingLong(r -> r.getLong("gaps", 0L))
          .thenComparingLong(r -> r.getLong("missing", 0L)).reversed().thenComparing(bySymbol);
      case "invalid" -> Comparator.<JsonObject>comparingLong(r -> {
        JsonObject invalid = r.getJsonObject("invalid");
        return invalid == null ? 0 : invalid.getLong("total", 0L);
      }).reversed().thenComparing(bySymbol);
      default -> bySymbol;
    };
  }
}
