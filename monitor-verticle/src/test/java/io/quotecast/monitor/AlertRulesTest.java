package io.quotecast.monitor;

import static io.quotecast.monitor.AlertFixtures.at;
import static io.quotecast.monitor.AlertFixtures.connections;
import static io.quotecast.monitor.AlertFixtures.healthy;
import static io.quotecast.monitor.AlertFixtures.latency;
import static io.quotecast.monitor.AlertFixtures.only;
import static io.quotecast.monitor.AlertFixtures.sources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.Settings;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/**
 * Each rule on a time series of figures, one evaluation per second with an injected clock: it fires only once its
 * condition has held for forMs, resolves only once it has been gone for clearMs, does not flap on a value hovering
 * around the threshold, and never fires when disabled or when its value is unknown.
 */
class AlertRulesTest {
  private static final String NODE = "node-1";

  /** Evaluates {@code settings}' rules on {@code figures(t)} at t = 0, 1000, ... up to {@code untilMs}. */
  private static List<Alert> run(Settings settings, long untilMs, LongFunction<AlertInputs> inputs) {
    AlertEvaluator evaluator = new AlertEvaluator(AlertRule.fromSettings(settings), NODE, "local");
    List<Alert> changes = new ArrayList<>();
    for (long t = 0; t <= untilMs; t += 1000) {
      changes.addAll(evaluator.evaluate(inputs.apply(t)));
    }
    return changes;
  }

  private static List<Alert> firing(List<Alert> changes) {
    return changes.stream().filter(a -> Alert.FIRING.equals(a.state())).toList();
  }

  private static List<Alert> resolved(List<Alert> changes) {
    return changes.stream().filter(a -> Alert.RESOLVED.equals(a.state())).toList();
  }

  // ---- latency p99: durations and hysteresis, shown on the first rule

  @Test
  void latencyFiresOnlyAfterForMsAndResolvesOnlyAfterClearMs() {
    Settings s = only(AlertRule.LATENCY_P99, 3000, 2000, "threshold", 500);
    // breach from t=2000 to t=9000, then fine
    LongFunction<AlertInputs> series = t -> at(t, t >= 2000 && t <= 9000 ? latency(812.5) : latency(20));
    assertEquals(List.of(), run(s, 4000, series), "breaching for 2 s of 3: not yet");
    List<Alert> changes = run(s, 30_000, series);
    assertEquals(2, changes.size(), changes::toString);
    Alert fired = changes.get(0);
    assertEquals(Alert.FIRING, fired.state());
    assertEquals(2000, fired.since(), "since: when the condition began");
    assertEquals(5000, fired.firedAt(), "fires once it held for forMs");
    assertEquals(812.5, fired.value());
    assertEquals(500, fired.threshold());
    assertEquals("warning", fired.severity());
    assertEquals(NODE, fired.node());
    assertEquals("source-to-client latency p99 812.5 ms above 500 ms for 3 s on node-1", fired.message());
    Alert resolved = changes.get(1);
    assertEquals(Alert.RESOLVED, resolved.state());
    assertEquals(fired.id(), resolved.id());
    assertEquals(12_000, resolved.resolvedAt(), "fine from t=10000, resolved 2 s later");
    assertTrue(resolved.message().startsWith("latencyP99 resolved on node-1 after 7 s: "), resolved.message());
    assertEquals(812.5, resolved.details().getDouble("peak"));
    assertEquals(20.0, resolved.details().getDouble("lastValue"));
  }

  @Test
  void aValueAtTheThresholdDoesNotBreach() {
    Settings s = only(AlertRule.LATENCY_P99, 0, 0, "threshold", 500);
    assertEquals(List.of(), run(s, 10_000, t -> at(t, latency(500))));
    assertEquals(1, run(s, 0, t -> at(t, latency(500.5))).size(), "forMs 0: the first breach fires");
  }

  @Test
  void aValueHoveringAroundTheThresholdNeitherFiresNorResolvesEachSecond() {
    Settings s = only(AlertRule.LATENCY_P99, 3000, 3000, "threshold", 500);
    // above and below on alternate seconds: never 3 s in a row above
    assertEquals(List.of(), run(s, 60_000, t -> at(t, (t / 1000) % 2 == 0 ? latency(900) : latency(100))));
    // firing, then alternating: never 3 s in a row below, so it stays firing, once
    List<Alert> changes = run(s, 60_000, t -> at(t, t < 10_000 || (t / 1000) % 2 == 0 ? latency(900) : latency(100)));
    assertEquals(1, changes.size(), changes::toString);
    assertEquals(Alert.FIRING, changes.get(0).state());
  }

  @Test
  void aConditionThatReturnsFiresAgainAsANewAlert() {
    Settings s = only(AlertRule.LATENCY_P99, 1000, 1000, "threshold", 500);
    List<Alert> changes = run(s, 20_000, t -> at(t, t < 5000 || t >= 10_000 && t < 15_000 ? latency(900) : latency(1)));
    assertEquals(List.of("firing", "resolved", "firing", "resolved"), changes.stream().map(Alert::state).toList());
    assertTrue(!changes.get(0).id().equals(changes.get(2).id()), "a new id for a new episode");
  }

  @Test
  void noLatencySampleIsUnknownAndNeverFires() {
    Settings s = only(AlertRule.LATENCY_P99, 0, 0, "threshold", 0);
    JsonObject idle = healthy().put("latency", new JsonObject().put("count", 0L).putNull("p50Ms").putNull("p99Ms"));
    assertEquals(List.of(), run(s, 10_000, t -> at(t, idle)));
  }

  @Test
  void aFiringAlertWhoseValueBecomesUnknownResolvesAfterClearMs() {
    Settings s = only(AlertRule.LATENCY_P99, 0, 2000, "threshold", 100);
    JsonObject idle = healthy().put("latency", new JsonObject().put("count", 0L));
    List<Alert> changes = run(s, 10_000, t -> at(t, t < 3000 ? latency(900) : idle));
    assertEquals(2, changes.size(), changes::toString);
    assertEquals(5000, changes.get(1).resolvedAt());
    assertTrue(changes.get(1).message().endsWith("no latency sample in the last second"), changes.get(1).message());
  }

  @Test
  void aDisabledRuleNeverFires() {
    Settings s = AlertFixtures.settings(alerts -> {
      for (String rule : AlertRule.NAMES) {
        alerts.getJsonObject(rule).put("enabled", false).put("forMs", 0).put("threshold", 0);
      }
    });
    JsonObject awful = sources("down").put("latency", new JsonObject().put("count", 9L).put("p99Ms", 9000.0))
        .put("cpu", 1.0).put("heapUsedBytes", 999L).put("eventLoopLagMs", 5000L);
    AlertEvaluator evaluator = new AlertEvaluator(AlertRule.fromSettings(s), NODE, "local");
    for (long t = 0; t < 60_000; t += 1000) {
      assertEquals(List.of(), evaluator.evaluate(at(t, t % 2000 == 0 ? awful : awful.copy().put("connections", 0),
          List.of("A", "B"))));
    }
    assertTrue(!evaluator.uses(AlertRule.STALE_SYMBOLS), "a disabled stale rule asks no report");
  }

  @Test
  void theDefaultsFireNothingOnAHealthyNode() {
    Settings s = AlertFixtures.settings(alerts -> { });
    assertEquals(List.of(), run(s, 300_000, t -> at(t, healthy(), List.of())));
  }

  // ---- the other rules

  @Test
  void sourceDownFiresOnADownSourceAndOnADegradedOneWhenIncluded() {
    Settings s = only(AlertRule.SOURCE_DOWN, 2000, 1000);
    List<Alert> changes = run(s, 10_000, t -> at(t, t >= 1000 && t < 6000 ? sources("down") : sources("up")));
    assertEquals(2, changes.size(), changes::toString);
    Alert fired = changes.get(0);
    assertEquals(3000, fired.firedAt());
    assertEquals("critical", fired.severity());
    assertEquals(1.0, fired.value());
    assertEquals(0, fired.threshold());
    assertEquals("data source simulator down (connection lost (injected fault)) for 2 s on node-1", fired.message());
    assertEquals("down", fired.details().getJsonArray("sources").getJsonObject(0).getString("state"));
    assertEquals(7000, changes.get(1).resolvedAt());

    assertEquals(1, firing(run(s, 5000, t -> at(t, sources("degraded")))).size(), "degraded counts by default");
    Settings downOnly = only(AlertRule.SOURCE_DOWN, 2000, 1000, "includeDegraded", false);
    assertEquals(List.of(), run(downOnly, 10_000, t -> at(t, sources("degraded"))));
    assertEquals(1, run(downOnly, 10_000, t -> at(t, sources("down"))).size());
  }

  @Test
  void sourceDownIsUnknownOnANodeWithoutSourcesAndCountsAgainstTheThreshold() {
    Settings s = only(AlertRule.SOURCE_DOWN, 0, 0);
    assertEquals(List.of(), run(s, 10_000, t -> at(t, sources())), "no quote role: nothing to say");
    Settings two = only(AlertRule.SOURCE_DOWN, 0, 0, "threshold", 1);
    assertEquals(List.of(), run(two, 5000, t -> at(t, sources("down", "up"))), "one down of the one allowed");
    assertEquals(1, run(two, 5000, t -> at(t, sources("down", "down"))).size());
  }

  @Test
  void staleSymbolsFiresAboveTheCountAndIsNotEvaluatedWithoutAReport() {
    Settings s = only(AlertRule.STALE_SYMBOLS, 2000, 2000, "threshold", 2);
    List<String> three = List.of("600519.SH", "000001.SZ", "600000.SH");
    assertEquals(List.of(), run(s, 30_000, t -> at(t, healthy(), null)), "nobody answered: unknown, not firing");
    assertEquals(List.of(), run(s, 30_000, t -> at(t, healthy(), three.subList(0, 2))), "2 is not above 2");
    List<Alert> changes = run(s, 10_000, t -> at(t, healthy(), t < 5000 ? three : List.of()));
    assertEquals(2, changes.size(), changes::toString);
    Alert fired = changes.get(0);
    assertEquals(2000, fired.firedAt());
    assertEquals(3.0, fired.value());
    assertEquals(three, fired.details().getJsonArray("symbols").getList());
    assertEquals(7000, changes.get(1).resolvedAt());
    assertTrue(new AlertEvaluator(AlertRule.fromSettings(s), NODE, "local").uses(AlertRule.STALE_SYMBOLS));
  }

  @Test
  void connectionDropFiresOnThreeClientsLeavingWhenConfiguredSo() {
    Settings s = only(AlertRule.CONNECTION_DROP, 0, 3000, "threshold", 50, "minDrop", 2, "windowMs", 5000);
    List<Alert> changes = run(s, 30_000, t -> at(t, connections(t < 4000 ? 3 : 0)));
    assertEquals(2, changes.size(), changes::toString);
    Alert fired = changes.get(0);
    assertEquals(4000, fired.firedAt(), "forMs 0: at the first evaluation that sees the drop");
    assertEquals(100.0, fired.value());
    assertEquals(3, fired.details().getInteger("from"));
    assertEquals(0, fired.details().getInteger("to"));
    assertEquals("connections fell from 3 to 0 (100 %) within 5 s on node-1", fired.message());
    // the last count of 3 (t=3000) leaves the 5 s window at t=9000; resolved 3 s later
    assertEquals(12_000, changes.get(1).resolvedAt());
  }

  @Test
  void connectionDropNeedsTheMinimumDropAndASteepEnoughFall() {
    // the defaults (30 %, at least 50): a small node losing all its 3 clients is no alert
    Settings defaults = only(AlertRule.CONNECTION_DROP, 0, 0, "threshold", 30, "minDrop", 50, "windowMs", 10_000);
    assertEquals(List.of(), run(defaults, 30_000, t -> at(t, connections(t < 5000 ? 3 : 0))));
    // a slow decline, 1000 -> 600 by 20 a second, is at most 100 of 700 (14 %) within any 5 s window
    Settings s = only(AlertRule.CONNECTION_DROP, 0, 0, "threshold", 30, "minDrop", 50, "windowMs", 5000);
    assertEquals(List.of(), run(s, 20_000, t -> at(t, connections(1000 - t / 1000 * 20))));
    // a fall of 400 of 1000 at once fires
    assertEquals(1, firing(run(s, 20_000, t -> at(t, connections(t < 8000 ? 1000 : 600)))).size());
  }

  @Test
  void cpuHeapAndEventLoopLagFireAboveTheirThresholds() {
    List<Alert> cpu = run(only(AlertRule.CPU, 2000, 0, "threshold", 90),
        t -> at(t, healthy().put("cpu", 0.953)));
    assertEquals(1, cpu.size());
    assertEquals(95.3, cpu.get(0).value());
    assertEquals("%", cpu.get(0).unit());
    assertEquals(List.of(), run(only(AlertRule.CPU, 0, 0, "threshold", 0), t -> at(t, healthy().put("cpu", -1))),
        "CPU unknown");

    List<Alert> heap = run(only(AlertRule.HEAP, 2000, 0, "threshold", 90),
        t -> at(t, healthy().put("heapUsedBytes", 960L).put("heapMaxBytes", 1000L)));
    assertEquals(1, heap.size());
    assertEquals(96.0, heap.get(0).value());
    assertEquals("critical", heap.get(0).severity());
    assertEquals(List.of(), run(only(AlertRule.HEAP, 0, 0, "threshold", 0),
        t -> at(t, healthy().put("heapMaxBytes", -1L))), "no maximum heap");

    List<Alert> lag = run(only(AlertRule.EVENT_LOOP_LAG, 2000, 0, "threshold", 200),
        t -> at(t, healthy().put("eventLoopLagMs", 350L)));
    assertEquals(1, lag.size());
    assertEquals(2000, lag.get(0).firedAt());
    assertEquals("event-loop lag 350 ms above 200 ms for 2 s on node-1", lag.get(0).message());
  }

  private static List<Alert> run(Settings settings, LongFunction<AlertInputs> inputs) {
    return run(settings, 10_000, inputs);
  }

  // ---- the alert and the configuration

  @Test
  void anAlertsJsonHasEveryField() {
    Alert fired = run(only(AlertRule.SOURCE_DOWN, 0, 0), t -> at(t, sources("down"))).get(0);
    JsonObject json = fired.toJson();
    for (String field : List.of("id", "rule", "severity", "node", "member", "state", "since", "firedAt", "resolvedAt",
        "value", "threshold", "unit", "message", "details")) {
      assertTrue(json.containsKey(field), field + " in " + json.encode());
    }
    assertNull(json.getValue("resolvedAt"));
    assertEquals("sourceDown", json.getString("rule"));
    assertEquals("local", json.getString("member"));
    assertEquals(0L, json.getJsonObject("details").getLong("forMs"));
  }

  @Test
  void badRuleSettingsFailNamingTheKey() {
    IllegalArgumentException severity = assertThrows(IllegalArgumentException.class, () -> AlertRule.fromSettings(
        AlertFixtures.settings(a -> a.getJsonObject("cpu").put("severity", "loud"))));
    assertEquals("config key alerts.cpu.severity: expected one of [warning, critical], got 'loud'",
        severity.getMessage());
    IllegalArgumentException threshold = assertThrows(IllegalArgumentException.class, () -> AlertRule.fromSettings(
        AlertFixtures.settings(a -> a.getJsonObject("heap").put("threshold", -1))));
    assertTrue(threshold.getMessage().startsWith("config key alerts.heap.threshold:"), threshold.getMessage());
    IllegalArgumentException forMs = assertThrows(IllegalArgumentException.class, () -> AlertRule.fromSettings(
        AlertFixtures.settings(a -> a.getJsonObject("latencyP99").put("forMs", -5))));
    assertTrue(forMs.getMessage().startsWith("config key alerts.latencyP99.forMs:"), forMs.getMessage());
    IllegalArgumentException window = assertThrows(IllegalArgumentException.class, () -> AlertRule.fromSettings(
        AlertFixtures.settings(a -> a.getJsonObject("connectionDrop").put("windowMs", 10))));
    assertTrue(window.getMessage().startsWith("config key alerts.connectionDrop.windowMs:"), window.getMessage());
    assertThrows(IllegalArgumentException.class, () -> AlertWebhook.checkedUrl("ftp://example.com/x"));
    assertNull(AlertWebhook.checkedUrl(" "));
    assertEquals("http://127.0.0.1:9/hook", AlertWebhook.checkedUrl("http://127.0.0.1:9/hook"));
  }

  @Test
  void theDefaultsAreSensible() {
    List<AlertRule> rules = AlertRule.fromSettings(AlertFixtures.settings(a -> { }));
    assertEquals(AlertRule.NAMES, rules.stream().map(r -> r.name).toList());
    assertTrue(rules.stream().allMatch(r -> r.enabled));
    AlertRule latency = rules.get(0);
    assertEquals(500, latency.threshold);
    assertEquals(30_000, latency.forMs);
  }
}
