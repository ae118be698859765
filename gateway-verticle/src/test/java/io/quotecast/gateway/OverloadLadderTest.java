package io.quotecast.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.Freq;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The overload ladder without Vert.x: it climbs one step per stepUpMs while the pressure is at least 1, holds between
 * recoverBelow and 1, falls one step per stepDownMs below recoverBelow (in reverse), ignores inputs with threshold 0
 * and unmeasured ones, and drops to normal when disabled.
 */
class OverloadLadderTest {
  /** cpu 80 %, lag 200 ms, queue 1000 bytes; up every 1 s, down every 3 s, recover below 0.5. */
  static OverloadSettings settings() {
    return new OverloadSettings(true, 80, 200, 1000, 0.5, 1000, 3000, Freq.S5, 10);
  }

  static OverloadLadder.Sample cpu(double percent) {
    return new OverloadLadder.Sample(percent, 0, 0);
  }

  /** Ticks every {@code everyMs} from {@code from} (inclusive) to {@code to} (exclusive); returns the levels seen. */
  static List<Integer> run(OverloadLadder ladder, OverloadLadder.Sample sample, long from, long to, long everyMs) {
    List<Integer> levels = new ArrayList<>();
    for (long t = from; t < to; t += everyMs) {
      levels.add(ladder.tick(sample, t).number());
    }
    return levels;
  }

  @Test
  void climbsOneStepPerStepUpWhileOverloadedAndStopsAtTheTop() {
    OverloadLadder ladder = new OverloadLadder(settings(), 0);
    assertEquals(OverloadLevel.NORMAL, ladder.tick(cpu(10), 0));
    assertEquals(OverloadLevel.NORMAL, ladder.tick(cpu(80), 100), "at the threshold: the count starts");
    assertEquals(OverloadLevel.NORMAL, ladder.tick(cpu(95), 1099), "not yet a step's time");
    assertEquals(OverloadLevel.DEGRADE_FREE, ladder.tick(cpu(95), 1100));
    assertEquals(1100, ladder.since());
    assertEquals(OverloadLevel.DEGRADE_FREE, ladder.tick(cpu(95), 2000), "the next step counts from the last one");
    assertEquals(OverloadLevel.REFUSE_FREE, ladder.tick(cpu(95), 2100));
    assertEquals(OverloadLevel.SHED_FREE, ladder.tick(cpu(95), 3100));
    assertEquals(OverloadLevel.SHED_STANDARD, ladder.tick(cpu(95), 4100));
    assertEquals(OverloadLevel.SHED_PRO, ladder.tick(cpu(95), 5100));
    assertEquals(OverloadLevel.SHED_PRO, ladder.tick(cpu(95), 60_000), "5 is the top");
    assertEquals(95 / 80.0, ladder.pressure(), 1e-9);
  }

  @Test
  void aDipBelowTheThresholdRestartsTheClimb() {
    OverloadLadder ladder = new OverloadLadder(settings(), 0);
    ladder.tick(cpu(90), 0);
    ladder.tick(cpu(90), 900);
    assertEquals(OverloadLevel.NORMAL, ladder.tick(cpu(60), 950), "in the band: holds, and the count is lost");
    assertEquals(OverloadLevel.NORMAL, ladder.tick(cpu(90), 1000));
    assertEquals(OverloadLevel.NORMAL, ladder.tick(cpu(90), 1999), "counted again from 1000");
    assertEquals(OverloadLevel.DEGRADE_FREE, ladder.tick(cpu(90), 2000));
  }

  @Test
  void holdsInTheHysteresisBandAndFallsOnlyBelowRecoverBelow() {
    OverloadLadder ladder = new OverloadLadder(settings(), 0);
    run(ladder, cpu(90), 0, 3001, 100); // three steps up
    assertEquals(OverloadLevel.SHED_FREE, ladder.level());
    // 0.5 <= pressure < 1 (40..79 %): neither climbs nor falls, however long
    assertEquals(List.of(3), run(ladder, cpu(79), 3100, 60_000, 100).stream().distinct().toList());
    assertEquals(List.of(3), run(ladder, cpu(40), 60_000, 120_000, 100).stream().distinct().toList(),
        "exactly at recoverBelow still holds");
    // below 0.5: one step down per 3 s, in reverse order of the climb
    List<Integer> down = run(ladder, cpu(39), 120_000, 132_000, 100);
    assertEquals(List.of(3, 2, 1, 0), down.stream().distinct().toList());
    assertEquals(30, down.indexOf(2), "the first step down 3 s after the load fell");
    assertEquals(30, down.indexOf(1) - down.indexOf(2), "one step per 3 s");
    assertEquals(30, down.indexOf(0) - down.indexOf(1));
    assertEquals(OverloadLevel.NORMAL, ladder.tick(cpu(0), 200_000), "0 is the bottom");
  }

  @Test
  void aRecoveryInterruptedByLoadStartsCountingAgain() {
    OverloadLadder ladder = new OverloadLadder(settings(), 0);
    run(ladder, cpu(90), 0, 2001, 100);
    assertEquals(OverloadLevel.REFUSE_FREE, ladder.level());
    ladder.tick(cpu(10), 3000);
    ladder.tick(cpu(10), 5900);
    ladder.tick(cpu(90), 5950); // load is back before the step down
    assertEquals(OverloadLevel.REFUSE_FREE, ladder.tick(cpu(10), 6000));
    assertEquals(OverloadLevel.REFUSE_FREE, ladder.tick(cpu(10), 8999));
    assertEquals(OverloadLevel.DEGRADE_FREE, ladder.tick(cpu(10), 9000));
  }

  @Test
  void theWorstInputDecidesAndIgnoredOrUnmeasuredInputsDoNot() {
    OverloadSettings s = settings();
    assertEquals(2.0, OverloadLadder.pressure(s, new OverloadLadder.Sample(10, 400, 100)), 1e-9, "the lag");
    assertEquals(3.0, OverloadLadder.pressure(s, new OverloadLadder.Sample(10, 100, 3000)), 1e-9, "the queue");
    assertEquals(0.0, OverloadLadder.pressure(s, OverloadLadder.Sample.NONE), "nothing measured");
    assertEquals(0.5, OverloadLadder.pressure(s, new OverloadLadder.Sample(-1, 100, -1)), 1e-9);
    OverloadSettings cpuOnly = new OverloadSettings(true, 80, 0, 0, 0.5, 1000, 3000, Freq.S5, 10);
    assertEquals(0.5, OverloadLadder.pressure(cpuOnly, new OverloadLadder.Sample(40, 1_000_000, 1L << 40)), 1e-9,
        "threshold 0: the input is ignored");
    OverloadSettings none = new OverloadSettings(true, 0, 0, 0, 0.5, 0, 0, Freq.S5, 10);
    OverloadLadder ladder = new OverloadLadder(none, 0);
    assertEquals(OverloadLevel.NORMAL, ladder.tick(new OverloadLadder.Sample(100, 60_000, 1L << 40), 10_000),
        "every input ignored: never overloaded");
    assertEquals(0.0, ladder.pressure());
  }

  @Test
  void stepZeroMovesOneStepPerSample() {
    OverloadSettings fast = new OverloadSettings(true, 80, 0, 0, 0.5, 0, 0, Freq.S5, 10);
    OverloadLadder ladder = new OverloadLadder(fast, 0);
    assertEquals(List.of(1, 2, 3, 4, 5, 5), run(ladder, cpu(99), 0, 600, 100));
    assertEquals(List.of(4, 3, 2, 1, 0, 0), run(ladder, cpu(1), 600, 1200, 100));
  }

  @Test
  void disabledIsNormalAtOnceAndStaysSo() {
    OverloadLadder ladder = new OverloadLadder(settings(), 0);
    run(ladder, cpu(99), 0, 4001, 100);
    assertEquals(OverloadLevel.SHED_STANDARD, ladder.level());
    OverloadSettings off = settings().with(new JsonObject().put("enabled", false));
    ladder.configure(off, 4050);
    assertEquals(OverloadLevel.NORMAL, ladder.level(), "no slow descent: the operator switched it off");
    assertEquals(4050, ladder.since());
    assertEquals(List.of(0), run(ladder, cpu(99), 4100, 20_000, 100).stream().distinct().toList());
    assertEquals(99 / 80.0, ladder.pressure(), 1e-9, "the pressure is still measured and shown");
    ladder.configure(settings(), 20_000);
    assertEquals(OverloadLevel.NORMAL, ladder.tick(cpu(99), 20_000));
    assertEquals(OverloadLevel.DEGRADE_FREE, ladder.tick(cpu(99), 21_000), "enabled again: climbs from 0");
  }

  @Test
  void newThresholdsApplyFromTheNextSampleAndTheLevelStays() {
    OverloadLadder ladder = new OverloadLadder(settings(), 0);
    run(ladder, cpu(90), 0, 2001, 100);
    assertEquals(OverloadLevel.REFUSE_FREE, ladder.level());
    ladder.configure(settings().with(new JsonObject().put("cpuPercent", 100).put("stepDownMs", 500)), 2050);
    assertEquals(OverloadLevel.REFUSE_FREE, ladder.level(), "the level does not jump");
    assertEquals(OverloadLevel.REFUSE_FREE, ladder.tick(cpu(90), 2100), "0.9 of the new threshold: in the band");
    assertEquals(OverloadLevel.REFUSE_FREE, ladder.tick(cpu(30), 2200));
    assertEquals(OverloadLevel.DEGRADE_FREE, ladder.tick(cpu(30), 2700), "the new stepDownMs");
  }

  @Test
  void theStateNamesLevelInputsWhatIsInForceAndTheChanges() {
    OverloadLadder ladder = new OverloadLadder(settings(), 0);
    run(ladder, new OverloadLadder.Sample(88, 20, -1), 0, 3001, 100);
    JsonObject json = ladder.toJson();
    assertEquals(3, json.getInteger("level"));
    assertEquals("shed_free", json.getString("state"));
    assertEquals(3000, json.getLong("since"));
    assertEquals(1.1, json.getDouble("pressure"), 1e-9);
    JsonObject inputs = json.getJsonObject("inputs");
    assertEquals(88.0, inputs.getJsonObject("cpuPercent").getDouble("value"));
    assertEquals(80.0, inputs.getJsonObject("cpuPercent").getDouble("threshold"));
    assertEquals(1.1, inputs.getJsonObject("cpuPercent").getDouble("pressure"), 1e-9);
    assertEquals(20L, inputs.getJsonObject("eventLoopLagMs").getLong("value"));
    assertEquals(200L, inputs.getJsonObject("eventLoopLagMs").getLong("threshold"));
    assertNull(inputs.getJsonObject("sendQueueBytes").getValue("value"), "not measured");
    assertNull(inputs.getJsonObject("sendQueueBytes").getValue("pressure"));
    JsonObject inForce = json.getJsonObject("inForce");
    assertEquals(new JsonArray().add("free"), inForce.getJsonArray("degraded"));
    assertEquals("5s", inForce.getString("degradedFreq"));
    assertEquals(new JsonArray().add("free"), inForce.getJsonArray("refused"));
    assertEquals(new JsonArray().add("free"), inForce.getJsonArray("shed"));
    assertEquals(settings().toJson(), json.getJsonObject("settings"));
    JsonArray transitions = json.getJsonArray("transitions");
    assertEquals(3, transitions.size());
    assertEquals(List.of("normal>degrade_free", "degrade_free>refuse_free", "refuse_free>shed_free"),
        transitions.stream().map(o -> ((JsonObject) o).getString("from") + ">" + ((JsonObject) o).getString("to"))
            .toList());
    assertEquals(1000L, transitions.getJsonObject(0).getLong("at"));

    OverloadLadder fresh = new OverloadLadder(settings(), 0);
    JsonObject normal = fresh.toJson();
    assertEquals("normal", normal.getString("state"));
    assertTrue(normal.getJsonObject("inForce").getJsonArray("refused").isEmpty());
    assertNull(normal.getJsonObject("inForce").getValue("degradedFreq"));
  }

  @Test
  void onlyTheLatestChangesAreKept() {
    OverloadSettings fast = new OverloadSettings(true, 80, 0, 0, 0.5, 0, 0, Freq.S5, 10);
    OverloadLadder ladder = new OverloadLadder(fast, 0);
    for (int i = 0; i < 10; i++) {
      run(ladder, cpu(99), i * 2000L, i * 2000L + 500, 100);
      run(ladder, cpu(1), i * 2000L + 1000, i * 2000L + 1500, 100);
    }
    JsonArray transitions = ladder.toJson().getJsonArray("transitions");
    assertEquals(OverloadLadder.KEEP_TRANSITIONS, transitions.size());
    assertEquals("normal", transitions.getJsonObject(transitions.size() - 1).getString("to"));
    assertFalse(transitions.getJsonObject(0).getLong("at") < 10_000, "the oldest were dropped");
  }
}
