package io.quotecast.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.ConfigLoader;
import io.quotecast.common.ConfigRules;
import io.quotecast.common.ErrorCode;
import io.quotecast.common.Freq;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.Settings;
import io.quotecast.common.auth.TierLimits;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The overload settings: read from the defaults, changed at run time field by field with the same ranges as the config
 * rules, and refused (naming the field, changing nothing) when unknown, mistyped or out of range. And which tiers each
 * level degrades, refuses and sheds.
 */
class OverloadSettingsTest {
  static final OverloadSettings BASE = OverloadLadderTest.settings();

  @Test
  void theDefaultsAreOnWithCpuAndLagThresholds() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject config = ConfigLoader.load(vertx, null).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      OverloadSettings s = OverloadSettings.from(new Settings(config));
      assertEquals(new OverloadSettings(true, 90, 1000, 0, 0.8, 10_000, 30_000, Freq.S5, 50), s);
      assertEquals(30_000, s.retryAfterMs());
      assertEquals(10_000, s.restoreSpreadMs());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void badConfigStopsTheStartNamingTheKey() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject defaults = ConfigLoader.load(vertx, null).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      ConfigRules.check(defaults);
      for (Object[] bad : new Object[][] {
          {"cpuPercent", 101}, {"cpuPercent", -0.5}, {"eventLoopLagMs", -1}, {"sendQueueBytes", -1},
          {"recoverBelow", 0.0}, {"recoverBelow", 1.5}, {"stepUpMs", -1}, {"stepDownMs", 3_600_001},
          {"degradedFreq", "realtime"}, {"degradedFreq", "2s"}, {"shedPerSecond", 0}, {"enabled", "maybe"}}) {
        JsonObject config = defaults.copy();
        config.getJsonObject("overload").put((String) bad[0], bad[1]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigRules.check(config),
            () -> bad[0] + "=" + bad[1]);
        assertTrue(e.getMessage().contains("config key overload." + bad[0]), e.getMessage());
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void changesApplyFieldByField() {
    OverloadSettings changed = BASE.with(new JsonObject().put("cpuPercent", 0.5).put("eventLoopLagMs", 0)
        .put("degradedFreq", "10s").put("shedPerSecond", 5).put("enabled", false));
    assertEquals(new OverloadSettings(false, 0.5, 0, 1000, 0.5, 1000, 3000, Freq.S10, 5), changed);
    assertEquals(BASE, BASE.with(BASE.toJson()), "toJson reads back as itself");
    assertEquals(BASE.with(new JsonObject().put("stepUpMs", 250.0)).stepUpMs(), 250, "250.0 is an integer");
    assertEquals(1000, BASE.with(new JsonObject().put("stepDownMs", 0)).retryAfterMs(), "at least a second");
    assertEquals(0, BASE.with(new JsonObject().put("stepDownMs", 0)).restoreSpreadMs());
  }

  @Test
  void badChangesNameTheFieldAndChangeNothing() {
    assertBad(new JsonObject(), "body");
    assertBad(null, "body");
    assertBad(new JsonObject().put("cpuPercent", 50).put("cpu", 50), "cpu");
    assertBad(new JsonObject().put("cpuPercent", -1), "cpuPercent");
    assertBad(new JsonObject().put("cpuPercent", 100.5), "cpuPercent");
    assertBad(new JsonObject().put("cpuPercent", "50"), "cpuPercent");
    assertBad(new JsonObject().putNull("cpuPercent"), "cpuPercent");
    assertBad(new JsonObject().put("eventLoopLagMs", 1.5), "eventLoopLagMs");
    assertBad(new JsonObject().put("eventLoopLagMs", 600_001), "eventLoopLagMs");
    assertBad(new JsonObject().put("sendQueueBytes", -1), "sendQueueBytes");
    assertBad(new JsonObject().put("recoverBelow", 0), "recoverBelow");
    assertBad(new JsonObject().put("recoverBelow", 1.2), "recoverBelow");
    assertBad(new JsonObject().put("stepUpMs", -5), "stepUpMs");
    assertBad(new JsonObject().put("stepDownMs", 3_600_001), "stepDownMs");
    assertBad(new JsonObject().put("degradedFreq", "realtime"), "degradedFreq");
    assertBad(new JsonObject().put("degradedFreq", "7s"), "degradedFreq");
    assertBad(new JsonObject().put("degradedFreq", 5), "degradedFreq");
    assertBad(new JsonObject().put("shedPerSecond", 0), "shedPerSecond");
    assertBad(new JsonObject().put("enabled", "yes"), "enabled");
  }

  private static void assertBad(JsonObject changes, String field) {
    ProtocolException e = assertThrows(ProtocolException.class, () -> BASE.with(changes), () -> "" + changes);
    assertEquals(ErrorCode.BAD_REQUEST, e.code());
    assertEquals(field, e.extra().getString("field"), e::getMessage);
    assertTrue(e.getMessage().contains(field), e.getMessage());
  }

  @Test
  void eachLevelAddsToTheOneBelow() {
    String free = TierLimits.FREE;
    String standard = TierLimits.STANDARD;
    String pro = TierLimits.PRO;
    assertEquals(List.of(), OverloadLevel.NORMAL.degradedTiers());
    assertEquals(List.of(free), OverloadLevel.DEGRADE_FREE.degradedTiers());
    assertEquals(List.of(), OverloadLevel.DEGRADE_FREE.refusedTiers());
    assertEquals(List.of(free), OverloadLevel.REFUSE_FREE.refusedTiers());
    assertEquals(List.of(), OverloadLevel.REFUSE_FREE.shedTiers());
    assertEquals(List.of(free), OverloadLevel.SHED_FREE.shedTiers());
    assertEquals(List.of(free, standard), OverloadLevel.SHED_STANDARD.refusedTiers());
    assertEquals(List.of(free, standard), OverloadLevel.SHED_STANDARD.shedTiers());
    assertEquals(List.of(free, standard, pro), OverloadLevel.SHED_PRO.refusedTiers());
    assertEquals(List.of(free, standard, pro), OverloadLevel.SHED_PRO.shedTiers());
    assertEquals(List.of(free), OverloadLevel.SHED_PRO.degradedTiers(), "only free is ever slowed");
    assertTrue(OverloadLevel.SHED_FREE.refuses(null), "no known tier ranks as free");
    assertEquals(OverloadLevel.SHED_PRO, OverloadLevel.of(9));
    assertEquals(OverloadLevel.NORMAL, OverloadLevel.of(-1));
    assertEquals(OverloadLevel.NORMAL, OverloadLevel.NORMAL.down());
    assertEquals(OverloadLevel.SHED_PRO, OverloadLevel.SHED_PRO.up());
  }
}
