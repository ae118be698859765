package io.quotecast.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class ConfigLoaderTest {

  @Test
  void defaultsThenEnvironmentThenSystemProperties(Vertx vertx, VertxTestContext ctx) {
    Properties props = new Properties();
    props.setProperty("quotecast.limits.minFreq", "1s");
    props.setProperty("quotecast.gateway.port", "8082");
    Map<String, String> env = Map.of("QUOTECAST_LIMITS_SUBSCRIPTIONS_PER_CONNECTION", "7",
        "QUOTECAST_GATEWAY_PORT", "8081", "QUOTECAST_SYMBOLS_LISTINGS_FILE", "/tmp/x.csv");
    ConfigLoader.load(vertx, null, env, props).onComplete(ctx.succeeding(config -> ctx.verify(() -> {
      Settings s = new Settings(config);
      assertEquals(7, s.getInt(ConfigKeys.LIMITS_SUBSCRIPTIONS_PER_CONNECTION));
      assertEquals(Freq.S1, s.getFreq(ConfigKeys.LIMITS_MIN_FREQ));
      assertEquals(8082, s.getInt(ConfigKeys.GATEWAY_PORT), "system properties win over the environment");
      assertEquals("/tmp/x.csv", s.getString(ConfigKeys.SYMBOLS_LISTINGS_FILE));
      assertEquals(200, s.getInt(ConfigKeys.LIMITS_CHANNELS_PER_REQUEST));
      assertTrue(config.getValue("gateway") instanceof JsonObject);
      ctx.completeNow();
    })));
  }

  @Test
  void defaultsAlone(Vertx vertx, VertxTestContext ctx) {
    ConfigLoader.load(vertx, null, Map.of(), new Properties()).onComplete(ctx.succeeding(config -> ctx.verify(() -> {
      Settings s = new Settings(config);
      assertEquals(50, s.getInt(ConfigKeys.LIMITS_SUBSCRIPTIONS_PER_CONNECTION));
      assertEquals(Freq.REALTIME, s.getFreq(ConfigKeys.LIMITS_MIN_FREQ));
      assertEquals("", s.getString(ConfigKeys.SYMBOLS_LISTINGS_FILE));
      ctx.completeNow();
    })));
  }
}
