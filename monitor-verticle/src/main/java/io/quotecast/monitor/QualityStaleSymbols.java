package io.quotecast.monitor;

import io.quotecast.common.Addresses;
import io.quotecast.common.cluster.ScatterGather;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link StaleSymbols} from the data-quality report: asks {@link Addresses#QUOTE_QUALITY} for flagged symbols only
 * (every quote node answers {@code {node, totals, rows: [{symbol, stale, flags, ...}]}}; a healthy node's answer has
 * no rows, so asking every second costs little) and keeps this node's own answer, so that each node raises the
 * stale-symbols alert about itself only. Nobody answering for this node fails the future.
 */
final class QualityStaleSymbols implements StaleSymbols {
  /** Answers must come well within the one-second evaluation period. */
  static final long TIMEOUT_MS = 500;
  /** Only the flagged rows, every one of them (the report's largest limit). */
  private static final JsonObject QUESTION = new JsonObject().put("flagged", true).put("sort", "age")
      .put("limit", 10_000);

  private final Vertx vertx;
  /** This node's names as an answer may carry them: its cluster member id and its {@code node.id}. */
  private final List<String> self;

  QualityStaleSymbols(Vertx vertx, String member, String nodeName) {
    this.vertx = vertx;
    this.self = List.of(member, nodeName);
  }

  @Override
  public Future<List<String>> stale() {
    return ScatterGather.ask(vertx, Addresses.QUOTE_QUALITY, QUESTION, 0, TIMEOUT_MS).compose(answers -> {
      List<String> stale = new ArrayList<>();
      boolean heard = false;
      for (JsonObject answer : answers) {
        if (answer != null && self.contains(answer.getString("node"))) {
          heard = true;
          stale.addAll(staleOf(answer.getJsonArray("rows")));
        }
      }
      return heard ? Future.succeededFuture(stale)
          : Future.failedFuture("no data-quality answer from this node");
    });
  }

  /** The symbols of a report whose row says {@code stale: true} or lists the flag {@code stale}. */
  static List<String> staleOf(JsonArray rows) {
    List<String> stale = new ArrayList<>();
    if (rows == null) {
      return stale;
    }
    for (Object o : rows) {
      if (o instanceof JsonObject row && row.getString("symbol") != null
          && (Boolean.TRUE.equals(row.getValue("stale"))
          || row.getValue("flags") instanceof JsonArray flags && flags.contains("stale"))) {
        stale.add(row.getString("symbol"));
      }
    }
    return stale;
  }
}
