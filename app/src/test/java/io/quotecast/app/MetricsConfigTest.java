package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import org.junit.jupiter.api.Test;

/** The metrics keys are checked before start, and Vert.x's own meters never get a per-symbol or per-client label. */
class MetricsConfigTest {

  @Test
  void badLatencyBucketsStopTheStartNamingTheKey() {
    Vertx vertx = Vertx.vertx();
    JsonObject config;
    try {
      config = QuotecastServer.await(ConfigLoader.load(vertx, null), 30);
    } finally {
      vertx.close();
    }
    Quotecast.validate(config); // the defaults are fine
    config.getJsonObject("metrics").put("latencyBucketsMs", "5,1");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quotecast.validate(config));
    assertTrue(e.getMessage().startsWith("config key metrics.latencyBucketsMs:"), e.getMessage());
  }

  @Test
  void vertxMetricsLeaveOutTheEventBusAndEveryPerClientLabel() {
    MicrometerMetricsOptions options = ClusterBoot.vertxMetricsOptions();
    assertTrue(options.isEnabled());
    assertTrue(options.isMetricsCategoryDisabled(MetricsDomain.EVENT_BUS), "its address label is per symbol");
    for (Label perClient : new Label[] {Label.REMOTE, Label.HTTP_PATH, Label.EB_ADDRESS}) {
      assertFalse(options.getLabels().contains(perClient), perClient.toString());
    }
    assertFalse(options.isJvmMetricsEnabled(), "the monitor binds the JVM meters (once)");
    assertFalse(options.getRegistryName().equals(ClusterBoot.vertxMetricsOptions().getRegistryName()),
        "a registry name per node: Vert.x keeps registries by name JVM-wide");
  }
}
