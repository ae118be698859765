package io.quotecast.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class ConfigLoaderTest {
  @TempDir
  Path dir;

  private String file(String yaml) throws IOException {
    Path f = dir.resolve("quotecast.yaml");
    Files.writeString(f, yaml);
    return f.toString();
  }

  @Test
  void fileThenEnvironmentThenSystemProperties(Vertx vertx, VertxTestContext ctx) throws IOException {
    String conf = file("""
        gateway:
          port: 8083
          heartbeatMs: 5000
        tiers:
          free:
            minFreq: 3s
        node:
          id: from-file
        """);
    Properties props = new Properties();
    props.setProperty("quotecast.gateway.port", "8082");
    props.setProperty("quotecast.tiers.free.minFreq", "5s");
    Map<String, String> env = Map.of("QUOTECAST_TIERS_FREE_SUBSCRIPTIONS_PER_CONNECTION", "7",
        "QUOTECAST_GATEWAY_PORT", "8081", "QUOTECAST_NODE_ID", "from-env",
        "QUOTECAST_SYMBOLS_LISTINGS_FILE", "/tmp/x.csv");
    ConfigLoader.load(vertx, conf, env, props).onComplete(ctx.succeeding(config -> ctx.verify(() -> {
      Settings s = new Settings(config);
      assertEquals(8082, s.getInt(ConfigKeys.GATEWAY_PORT), "system properties win over env and file");
      assertEquals("from-env", s.getString(ConfigKeys.NODE_ID), "the environment wins over the file");
      assertEquals(5000, s.getInt(ConfigKeys.GATEWAY_HEARTBEAT_MS), "the file wins over the defaults");
      assertEquals(Freq.S5, s.getFreq("tiers.free.minFreq"));
      assertEquals(7, s.getInt("tiers.free.subscriptionsPerConnection"));
      assertEquals("/tmp/x.csv", s.getString(ConfigKeys.SYMBOLS_LISTINGS_FILE));
      assertEquals(200, s.getInt(ConfigKeys.LIMITS_CHANNELS_PER_REQUEST));
      assertInstanceOf(Long.class, config.getJsonObject("gateway").getValue("port"), "env values are typed");
      ctx.completeNow();
    })));
  }

  @Test
  void defaultsAloneAreTheDevProfile(Vertx vertx, VertxTestContext ctx) {
    ConfigLoader.load(vertx, null, Map.of(), new Properties()).onComplete(ctx.succeeding(config -> ctx.verify(() -> {
      Settings s = new Settings(config);
      assertEquals("dev", s.getString(ConfigKeys.PROFILE));
      assertTrue(s.getBoolean(ConfigKeys.AUTH_ANONYMOUS));
      assertTrue(s.getBoolean(ConfigKeys.AUTH_ADMIN_TOKEN));
      assertTrue(s.getBoolean(ConfigKeys.AUTH_DEV_TOKENS));
      assertEquals(Freq.S1, s.getFreq("tiers.free.minFreq"));
      assertEquals("", s.getString(ConfigKeys.SYMBOLS_LISTINGS_FILE));
      ctx.completeNow();
    })));
  }

  @Test
  void theClusterProfileRequiresTokensAndTheFileStillWins(Vertx vertx, VertxTestContext ctx) throws IOException {
    String conf = file("""
        auth:
          devTokens: true
        """);
    ConfigLoader.load(vertx, conf, Map.of("QUOTECAST_PROFILE", "cluster"), new Properties())
        .onComplete(ctx.succeeding(config -> ctx.verify(() -> {
          Settings s = new Settings(config);
          assertEquals("cluster", s.getString(ConfigKeys.PROFILE));
          assertFalse(s.getBoolean(ConfigKeys.AUTH_ANONYMOUS));
          assertFalse(s.getBoolean(ConfigKeys.AUTH_ADMIN_TOKEN));
          assertTrue(s.getBoolean(ConfigKeys.AUTH_DEV_TOKENS), "the file overrides the profile");
          ctx.completeNow();
        })));
  }

  @Test
  void badValuesFailNamingTheKeyAndWhatIsAllowed(Vertx vertx, VertxTestContext ctx) throws IOException {
    String typo = file("gateway:\n  prot: 8080\n");
    Future<JsonObject> unknownKey = ConfigLoader.load(vertx, typo, Map.of(), new Properties());
    Properties port = new Properties();
    port.setProperty("quotecast.gateway.port", "70000");
    Future<JsonObject> badPort = ConfigLoader.load(vertx, null, Map.of(), port);
    Future<JsonObject> badFreq = ConfigLoader.load(vertx, null, Map.of("QUOTECAST_TIERS_PRO_MIN_FREQ", "2s"),
        new Properties());
    Future<JsonObject> notANumber = ConfigLoader.load(vertx, null, Map.of("QUOTECAST_GATEWAY_HEARTBEAT_MS", "soon"),
        new Properties());
    Future<JsonObject> badProfile = ConfigLoader.load(vertx, null, Map.of("QUOTECAST_PROFILE", "prod"),
        new Properties());
    Future<JsonObject> badMode = ConfigLoader.load(vertx, null, Map.of("QUOTECAST_SIMULATOR_MODE", "fast"),
        new Properties());
    Future.join(unknownKey, badPort, badFreq, notANumber, badProfile, badMode).onComplete(done -> ctx.verify(() -> {
      assertFailure(unknownKey, "config key gateway.prot", "did you mean gateway.port?");
      assertFailure(badPort, "config key gateway.port", "from 0 to 65535", "70000");
      assertFailure(badFreq, "config key tiers.pro.minFreq", "realtime", "2s");
      assertFailure(notANumber, "config key gateway.heartbeatMs", "expected a number", "soon");
      assertFailure(badProfile, "config key profile", "dev", "cluster", "prod");
      assertFailure(badMode, "config key simulator.mode", "continuous", "realistic");
      ctx.completeNow();
    }));
  }

  private static void assertFailure(Future<?> f, String... parts) {
    assertTrue(f.failed(), "expected a failure mentioning " + String.join(", ", parts));
    String message = f.cause().getMessage();
    for (String part : parts) {
      assertTrue(message.contains(part), "'" + message + "' should mention '" + part + "'");
    }
  }
}
