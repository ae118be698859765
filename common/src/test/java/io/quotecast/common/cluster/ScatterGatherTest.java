package io.quotecast.common.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class ScatterGatherTest {
  @Test
  void gathersEveryConsumersAnswerAndStopsAtTheExpectedCount(Vertx vertx, VertxTestContext ctx) {
    for (int i = 0; i < 3; i++) {
      int n = i;
      vertx.eventBus().<JsonObject>consumer("q", m -> ScatterGather.answer(vertx, m,
          new JsonObject().put("n", n).put("asked", m.body().getString("what"))));
    }
    long start = System.nanoTime();
    ScatterGather.ask(vertx, "q", new JsonObject().put("what", "figures"), 3, 10_000)
        .onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
          assertEquals(3, answers.size());
          assertEquals(3, answers.stream().map(a -> a.getInteger("n")).distinct().count());
          assertTrue(answers.stream().allMatch(a -> "figures".equals(a.getString("asked"))));
          assertTrue(System.nanoTime() - start < 5_000_000_000L, "did not wait for the timeout");
          ctx.completeNow();
        })));
  }

  @Test
  void aSilentConsumerOnlyDelaysTheAnswerUntilTheTimeout(Vertx vertx, VertxTestContext ctx) {
    vertx.eventBus().<JsonObject>consumer("q", m -> ScatterGather.answer(vertx, m, new JsonObject().put("ok", 1)));
    vertx.eventBus().<JsonObject>consumer("q", m -> { }); // a node that never answers
    ScatterGather.ask(vertx, "q", new JsonObject(), 2, 200)
        .onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
          assertEquals(List.of(new JsonObject().put("ok", 1)), answers);
          ctx.completeNow();
        })));
  }

  @Test
  void stopsAsSoonAsTheAnswersSayEnough(Vertx vertx, VertxTestContext ctx) {
    for (int i = 0; i < 3; i++) {
      int n = i;
      vertx.eventBus().<JsonObject>consumer("q", m -> ScatterGather.answer(vertx, m, new JsonObject().put("n", n)));
    }
    long start = System.nanoTime();
    ScatterGather.ask(vertx, "q", new JsonObject(), answers -> answers.stream().anyMatch(a -> a.getInteger("n") == 1),
            10_000)
        .onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
          assertTrue(answers.stream().anyMatch(a -> a.getInteger("n") == 1), answers::toString);
          assertTrue(System.nanoTime() - start < 5_000_000_000L, "did not wait for the timeout");
          ctx.completeNow();
        })));
  }

  @Test
  void noConsumerAnswersNothing(Vertx vertx, VertxTestContext ctx) {
    ScatterGather.ask(vertx, "nobody", new JsonObject(), 0, 100)
        .onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
          assertTrue(answers.isEmpty());
          ctx.completeNow();
        })));
  }
}
