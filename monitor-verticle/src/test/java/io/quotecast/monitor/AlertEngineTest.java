package io.quotecast.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.Addresses;
import io.quotecast.common.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine on the event bus: it evaluates this node's figures only (another node's figures are that node's to
 * judge, so a cluster raises each alert once), publishes what fires and resolves on monitor.alerts, and feeds the
 * stale-symbol rule from its {@link StaleSymbols}.
 */
class AlertEngineTest {
  private Vertx vertx;
  private AlertEngine engine;
  private final List<JsonObject> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    get(vertx.eventBus().<JsonObject>consumer(Addresses.ALERTS, m -> events.add(m.body())).completion());
  }

  @AfterEach
  void stop() throws Exception {
    if (engine != null) {
      vertx.runOnContext(v -> engine.close());
    }
    get(vertx.close());
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void engine(Settings settings, StaleSymbols stale) throws Exception {
    engine = get(Future.<AlertEngine>future(p -> vertx.runOnContext(v -> p.complete(new AlertEngine(vertx,
        settings, stale)))));
    get(engine.ready());
  }

  private void figures(JsonObject f) {
    vertx.eventBus().publish(Addresses.NODE_FIGURES, f);
  }

  private boolean waitFor(int n, long ms) throws InterruptedException {
    long deadline = System.currentTimeMillis() + ms;
    while (events.size() < n && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    return events.size() >= n;
  }

  @Test
  void onlyThisNodesFiguresAreEvaluated() throws Exception {
    engine(AlertFixtures.only(AlertRule.SOURCE_DOWN, 0, 0), null);
    figures(AlertFixtures.sources("down").put("node", "another-member").put("at", 1000L));
    Thread.sleep(300);
    assertEquals(List.of(), events, "another node's figures raise nothing here");
    figures(AlertFixtures.sources("down").put("at", 2000L)); // node "local": this (non-clustered) node
    assertTrue(waitFor(1, 5000), "fired");
    JsonObject fired = events.get(0);
    assertEquals("firing", fired.getString("state"));
    assertEquals("sourceDown", fired.getString("rule"));
    assertEquals("node-1", fired.getString("node"));
    assertEquals("local", fired.getString("member"));
    assertEquals(2000L, fired.getLong("firedAt"), "the figures' time");
    figures(AlertFixtures.sources("up").put("at", 3000L));
    assertTrue(waitFor(2, 5000), "resolved");
    assertEquals("resolved", events.get(1).getString("state"));
    assertEquals(fired.getString("id"), events.get(1).getString("id"));
  }

  @Test
  void theStaleRuleUsesTheLatestReport() throws Exception {
    StaleSymbols three = () -> Future.succeededFuture(List.of("A", "B", "C"));
    engine(AlertFixtures.only(AlertRule.STALE_SYMBOLS, 0, 0, "threshold", 2), three);
    figures(AlertFixtures.healthy().put("at", System.currentTimeMillis()));
    Thread.sleep(200);
    assertEquals(List.of(), events, "no report yet at the first evaluation: unknown");
    figures(AlertFixtures.healthy().put("at", System.currentTimeMillis()));
    assertTrue(waitFor(1, 5000));
    assertEquals(3.0, events.get(0).getDouble("value"));
  }

  @Test
  void aStaleRuleWithoutAnswersNeverFires() throws Exception {
    StaleSymbols nobody = () -> Future.failedFuture("no answer");
    engine(AlertFixtures.only(AlertRule.STALE_SYMBOLS, 0, 0, "threshold", 0), nobody);
    for (int i = 0; i < 3; i++) {
      figures(AlertFixtures.healthy().put("at", System.currentTimeMillis()));
      Thread.sleep(100);
    }
    assertEquals(List.of(), events);
  }

  @Test
  void alertsOffRaisesNothing() throws Exception {
    Settings off = AlertFixtures.settings(a -> {
      a.put("enabled", false);
      a.getJsonObject("sourceDown").put("forMs", 0);
    });
    engine(off, null);
    figures(AlertFixtures.sources("down").put("at", 1000L));
    figures(AlertFixtures.sources("down").put("at", 2000L));
    Thread.sleep(300);
    assertEquals(List.of(), events);
  }
}
