package io.quotecast.monitor;

import io.quotecast.common.ConfigLoader;
import io.quotecast.common.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.yaml.snakeyaml.Yaml;

/** Config trees and figures for the alert tests: the shipped defaults (read without Vert.x), then overrides. */
final class AlertFixtures {
  private AlertFixtures() {}

  /** The shipped defaults, with {@code overrides} applied to the {@code alerts} block. */
  static Settings settings(Consumer<JsonObject> overrides) {
    JsonObject config;
    try (InputStream in = AlertFixtures.class.getClassLoader().getResourceAsStream(ConfigLoader.DEFAULTS)) {
      Map<String, Object> tree = new Yaml().load(in);
      config = new JsonObject(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    overrides.accept(config.getJsonObject("alerts"));
    return new Settings(config);
  }

  /** Every rule off except {@code name}, which gets {@code forMs}/{@code clearMs} and the other {@code fields}. */
  static Settings only(String name, long forMs, long clearMs, Object... fields) {
    return settings(alerts -> {
      for (String rule : AlertRule.NAMES) {
        alerts.getJsonObject(rule).put("enabled", rule.equals(name));
      }
      JsonObject r = alerts.getJsonObject(name).put("forMs", forMs).put("clearMs", clearMs);
      for (int i = 0; i < fields.length; i += 2) {
        r.put((String) fields[i], fields[i + 1]);
      }
    });
  }

  /** Quiet figures of a healthy node: nothing any default rule fires on. */
  static JsonObject healthy() {
    return new JsonObject().put("node", "local").put("name", "node-1").put("at", 0L)
        .put("connections", 10).put("cpu", 0.1).put("heapUsedBytes", 100L).put("heapMaxBytes", 1000L)
        .put("eventLoopLagMs", 1L).put("eventLoops", 4)
        .put("latency", new JsonObject().put("count", 100L).put("p50Ms", 2.0).put("p99Ms", 8.0))
        .put("sources", new JsonArray().add(source("up")));
  }

  static JsonObject source(String state) {
    JsonObject s = new JsonObject().put("source", "simulator").put("state", state).put("since", 0L);
    if (!"up".equals(state)) {
      s.put("reason", "down".equals(state) ? "connection lost (injected fault)" : "no updates for 5000 ms");
    }
    return s;
  }

  static JsonObject latency(double p99) {
    return healthy().put("latency", new JsonObject().put("count", 50L).put("p50Ms", 1.0).put("p99Ms", p99));
  }

  static JsonObject sources(String... states) {
    JsonArray list = new JsonArray();
    for (String s : states) {
      list.add(source(s));
    }
    return healthy().put("sources", list);
  }

  static JsonObject connections(long n) {
    return healthy().put("connections", n);
  }

  static AlertInputs at(long now, JsonObject figures) {
    return new AlertInputs(now, figures, null);
  }

  static AlertInputs at(long now, JsonObject figures, List<String> stale) {
    return new AlertInputs(now, figures, stale);
  }
}
