package io.quotecast.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quotecast.common.Addresses;
import io.quotecast.common.cluster.ScatterGather;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stale-symbols input: this node's answer to the quality report only; no answer from it is unknown. */
class QualityStaleSymbolsTest {
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void answerer(String node, JsonArray rows) throws Exception {
    vertx.eventBus().<JsonObject>consumer(Addresses.QUOTE_QUALITY,
            m -> {
              // the question asks for every flagged row, as /admin/quality?flagged=true would
              assertEquals(true, m.body().getBoolean("flagged"));
              ScatterGather.answer(vertx, m, new JsonObject().put("node", node).put("rows", rows));
            })
        .completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static JsonObject row(String symbol, Object stale, String... flags) {
    return new JsonObject().put("symbol", symbol).put("stale", stale).put("flags", new JsonArray(List.of(flags)));
  }

  private List<String> ask() throws Exception {
    return new QualityStaleSymbols(vertx, "local", "node-1").stale()
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void countsTheStaleRowsOfThisNodesAnswerOnly() throws Exception {
    answerer("local", new JsonArray().add(row("600519.SH", true)).add(row("000001.SZ", false, "gap"))
        .add(row("600000.SH", null, "stale", "crossed")));
    answerer("some-other-member", new JsonArray().add(row("300750.SZ", true)));
    assertEquals(List.of("600519.SH", "600000.SH"), ask());
  }

  @Test
  void anAnswerNamedByNodeIdCountsToo() throws Exception {
    answerer("node-1", new JsonArray().add(row("600519.SH", true)));
    assertEquals(List.of("600519.SH"), ask());
  }

  @Test
  void noAnswerFromThisNodeIsUnknown() throws Exception {
    assertThrows(ExecutionException.class, this::ask, "nobody answers");
    answerer("some-other-member", new JsonArray().add(row("300750.SZ", true)));
    assertThrows(ExecutionException.class, this::ask, "only another node answers");
  }
}
