package io.quotecast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class KneeTest {
  private static Knee.Step step(double rate, double delivered, double p99) {
    return new Knee.Step(rate, delivered, 1, p99, p99 * 2, p99 * 3, 0, 0, 1000, 100, 50, 90);
  }

  @Test
  void kneeIsTheLastStepWithinTheThresholdBeforeTheFirstPastIt() {
    Knee.Result r = Knee.find(List.of(step(3000, 290_000, 140), step(1000, 100_000, 8), step(2000, 199_000, 40),
        step(4000, 310_000, 20)), 100);
    assertTrue(r.reached());
    assertEquals(2000, r.lastGood().rate());
    assertEquals(3000, r.firstBad().rate());
    assertEquals(199_000.0, r.toJson().getDouble("kneeDeliveredPerSecond"));
    assertTrue(r.describe().startsWith("knee: 199000 deliveries/s"), r.describe());
    assertTrue(Knee.table(r).contains("> 100 ms"));
  }

  @Test
  void notReachedAndBelowTheFirstStepAreSaidAsSuch() {
    Knee.Result none = Knee.find(List.of(step(1000, 1e5, 5), step(2000, 2e5, 9)), 100);
    assertFalse(none.reached());
    assertEquals(2000, none.lastGood().rate());
    assertTrue(none.describe().startsWith("knee not reached"));
    Knee.Result first = Knee.find(List.of(step(1000, 1e5, 500)), 100);
    assertNull(first.lastGood());
    assertTrue(first.describe().startsWith("knee below the first step"));
    assertFalse(first.toJson().containsKey("kneeDeliveredPerSecond"));
  }
}
