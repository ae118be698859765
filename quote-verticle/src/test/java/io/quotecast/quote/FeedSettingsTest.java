package io.quotecast.quote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.ConfigLoader;
import io.quotecast.common.ConfigReport;
import io.quotecast.common.ConfigRules;
import io.quotecast.common.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The {@code source.*} keys: defaults, the rules that stop a bad feed configuration at start, and secrecy. */
class FeedSettingsTest {
  static Vertx vertx;
  static JsonObject defaults;

  @BeforeAll
  static void load() throws Exception {
    vertx = Vertx.vertx();
    defaults = ConfigLoader.load(vertx, null).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void close() {
    vertx.close();
  }

  static JsonObject feedConfig(String url) {
    JsonObject c = defaults.copy();
    c.getJsonObject("source").put("kind", "feed").getJsonObject("feed").put("url", url).put("token", "t0ken");
    return c;
  }

  @Test
  void theSimulatorIsTheDefaultAndNeedsNoFeed() {
    assertEquals("simulator", new Settings(defaults).getString("source.kind"));
    ConfigRules.check(defaults);
  }

  @Test
  void aFeedNeedsAWebSocketUrl() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigRules.check(feedConfig("")));
    assertTrue(e.getMessage().startsWith("config key source.feed.url: expected a ws:// or wss:// URL"), e.getMessage());
    assertTrue(e.getMessage().contains("required when source.kind is feed"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ConfigRules.check(feedConfig("http://vendor/ticks")));
    ConfigRules.check(feedConfig("wss://vendor.example.com/v1/ticks?region=cn"));
    JsonObject unknownKind = defaults.copy();
    unknownKind.getJsonObject("source").put("kind", "replay");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ConfigRules.check(unknownKind)).getMessage()
        .contains("source.kind"));
  }

  @Test
  void theTokenGoesInTheHeaderAndTheSubscribeFrameNeverInLogs() {
    JsonObject c = feedConfig("ws://user:pw@vendor:7070/ticks?key=k");
    c.getJsonObject("source").getJsonObject("feed").put("subscribe", "{\"op\":\"auth\",\"key\":\"{{token}}\"}");
    FeedSettings f = FeedSettings.from(new Settings(c));
    assertEquals("Bearer t0ken", f.authValue());
    assertEquals("{\"op\":\"auth\",\"key\":\"t0ken\"}", f.subscribeFrame());
    assertEquals("ws://vendor:7070/ticks", f.safeUrl(), "no credentials or query in log lines and statuses");
    assertTrue(!f.toString().contains("t0ken") && !f.toString().contains("pw"), f.toString());
    assertEquals(ConfigReport.MASK, ConfigReport.masked(c).getJsonObject("source").getJsonObject("feed")
        .getString("token"), "the effective configuration is logged with the token masked");

    c.getJsonObject("source").getJsonObject("feed").put("authHeader", "X-Api-Key");
    assertEquals("t0ken", FeedSettings.from(new Settings(c)).authValue(), "other headers get the bare token");
    c.getJsonObject("source").getJsonObject("feed").put("token", "");
    assertNull(FeedSettings.from(new Settings(c)).authValue());
  }
}
