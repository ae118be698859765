package io.quotecast.quote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class BoundedCallsTest {

  @Test
  void neverMoreThanTheBoundInFlightAndResultsInOrder() {
    List<Promise<Integer>> pending = new ArrayList<>();
    int[] maxInFlight = {0};
    List<Supplier<Future<Integer>>> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      int v = i;
      calls.add(() -> {
        Promise<Integer> p = Promise.promise();
        pending.add(p);
        long open = pending.stream().filter(x -> !x.future().isComplete()).count();
        maxInFlight[0] = Math.max(maxInFlight[0], (int) open);
        return p.future().map(x -> v);
      });
    }
    Future<List<Integer>> all = BoundedCalls.run(calls, 4);
    while (!all.isComplete()) {
      pending.stream().filter(p -> !p.future().isComplete()).findFirst().orElseThrow().complete(0);
    }
    assertEquals(4, maxInFlight[0]);
    assertEquals(50, all.result().size());
    for (int i = 0; i < 50; i++) {
      assertEquals(i, all.result().get(i));
    }
  }

  @Test
  void synchronousCompletionsDoNotGrowTheStack() {
    List<Supplier<Future<Integer>>> calls = new ArrayList<>();
    for (int i = 0; i < 200_000; i++) {
      calls.add(() -> Future.succeededFuture(1));
    }
    Future<List<Integer>> all = BoundedCalls.run(calls, 64);
    assertTrue(all.succeeded());
    assertEquals(200_000, all.result().size());
  }

  @Test
  void failsWithTheFirstFailureAndStartsNoMoreCalls() {
    int[] started = {0};
    List<Supplier<Future<Integer>>> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      int v = i;
      calls.add(() -> {
        started[0]++;
        return v == 2 ? Future.failedFuture("boom") : Future.succeededFuture(v);
      });
    }
    Future<List<Integer>> all = BoundedCalls.run(calls, 1);
    assertTrue(all.failed());
    assertEquals("boom", all.cause().getMessage());
    assertEquals(3, started[0]);
  }
}
