package io.quotecast.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's request parameters and the merge of several quote nodes' answers. */
class QualityReportTest {

  static JsonObject row(String symbol, Long age, long gaps, long missing, long invalid) {
    return new JsonObject().put("symbol", symbol).put("lastUpdateAgeMs", age).put("gaps", gaps)
        .put("missing", missing).put("invalid", new JsonObject().put("total", invalid));
  }

  static JsonObject answer(String node, long symbols, long gaps, long matched, JsonObject... rows) {
    JsonObject totals = new JsonObject().put("symbols", symbols).put("flagged", 1L).put("stale", 0L)
        .put("gaps", gaps).put("missing", 2 * gaps).put("outOfOrder", 0L).put("invalid", 3L)
        .put("crossedBooks", 1L).put("limitBreaches", 2L);
    return new JsonObject().put("node", node + "-id").put("name", node).put("time", 5L).put("totals", totals)
        .put("matched", matched).put("rows", new JsonArray(List.of((Object[]) rows)));
  }

  static List<String> symbols(JsonObject report) {
    return report.getJsonArray("rows").stream().map(r -> ((JsonObject) r).getString("symbol")).toList();
  }

  @Test
  void parametersBecomeTheQuestionWithDefaults() {
    assertEquals(new JsonObject().put("flagged", false).put("sort", "symbol").put("limit", 100),
        QualityReport.question(null, null, null, null));
    assertEquals(new JsonObject().put("symbol", "600519.SH").put("flagged", true).put("sort", "gaps")
        .put("limit", 5), QualityReport.question(" 600519.sh ", "TRUE", "Gaps", "5"));
  }

  @Test
  void badParametersAreRefusedWithTheReason() {
    assertTrue(assertThrows(QualityReport.BadQuery.class, () -> QualityReport.question(null, null, "name", null))
        .getMessage().startsWith("sort: expected one of [symbol, age, gaps, invalid]"));
    assertTrue(assertThrows(QualityReport.BadQuery.class, () -> QualityReport.question(null, "yes", null, null))
        .getMessage().startsWith("flagged:"));
    for (String limit : List.of("0", "-3", "10001", "ten", "1.5")) {
      assertThrows(QualityReport.BadQuery.class, () -> QualityReport.question(null, null, null, limit), limit);
    }
    assertThrows(QualityReport.BadQuery.class, () -> QualityReport.question("600519", null, null, null));
    assertThrows(QualityReport.BadQuery.class, () -> QualityReport.symbol("AAPL"));
  }

  @Test
  void answersMergeIntoOneReportInTheRequestedOrder() {
    JsonObject q = QualityReport.question(null, null, "age", "3");
    JsonObject a = answer("node-1", 200, 1, 2, row("600000.SH", 9_000L, 1, 5, 0), row("600519.SH", 10L, 0, 0, 0));
    JsonObject b = answer("node-2", 195, 0, 2, row("000001.SZ", null, 0, 0, 0), row("000002.SZ", 50L, 0, 0, 2));
    JsonObject report = QualityReport.merge(List.of(a, b), q, 2, 1234L);
    assertEquals(List.of("000001.SZ", "600000.SH", "000002.SZ"), symbols(report), "never updated, then oldest");
    assertEquals(1234L, report.getLong("time"));
    assertEquals(4, report.getLong("matched"));
    assertEquals(3, report.getInteger("returned"));
    assertTrue(report.getBoolean("complete"));
    JsonObject totals = report.getJsonObject("totals");
    assertEquals(395, totals.getLong("symbols"));
    assertEquals(1, totals.getLong("gaps"));
    assertEquals(6, totals.getLong("invalid"));
    assertEquals(4, totals.getLong("limitBreaches"));
    assertEquals(List.of("node-1", "node-2"), report.getJsonArray("nodes").stream()
        .map(n -> ((JsonObject) n).getString("name")).toList());
    assertEquals(q, report.getJsonObject("query"));

    assertEquals(List.of("000002.SZ", "000001.SZ", "600000.SH"),
        symbols(QualityReport.merge(List.of(a, b), QualityReport.question(null, null, "invalid", "3"), 2, 0)),
        "most invalid first, ties by symbol");
    assertEquals(List.of("600000.SH", "000001.SZ"),
        symbols(QualityReport.merge(List.of(a, b), QualityReport.question(null, null, "gaps", "2"), 2, 0)));
    assertEquals(List.of("000001.SZ", "000002.SZ", "600000.SH", "600519.SH"),
        symbols(QualityReport.merge(List.of(b, a), QualityReport.question(null, null, null, null), 2, 0)));
  }

  @Test
  void aMissingNodeMakesTheReportIncomplete() {
    JsonObject q = QualityReport.question(null, null, null, null);
    JsonObject report = QualityReport.merge(List.of(answer("node-1", 200, 0, 0)), q, 2, 0);
    assertFalse(report.getBoolean("complete"));
    assertEquals(2, report.getInteger("expectedNodes"));
    assertFalse(QualityReport.merge(List.of(), q, 0, 0).getBoolean("complete"), "nobody answered");
  }

  @Test
  void oneSymbolsRowCarriesTheReportTime() {
    JsonObject a = answer("node-1", 1, 0, 1, row("600519.SH", 10L, 0, 0, 0));
    JsonObject r = QualityReport.row(List.of(answer("node-2", 1, 0, 0), a), "600519.SH", 77L);
    assertEquals(77L, r.getLong("time"));
    assertEquals(10L, r.getLong("lastUpdateAgeMs"));
    assertNull(QualityReport.row(List.of(a), "000001.SZ", 77L));
  }
}
