package io.quotecast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartBarrierTest {
  @TempDir
  Path dir;

  @Test
  void releasesEveryPartyOnceAllAreReady() throws Exception {
    CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> arrive("a", 2, 30));
    Thread.sleep(200);
    assertTrue(!first.isDone(), "the first party must wait for the second");
    int second = arrive("b", 2, 30);
    assertEquals(2, second);
    assertEquals(2, first.get(10, TimeUnit.SECONDS));
    assertEquals("{\"id\":\"a\"}", Files.readString(dir.resolve("a" + StartBarrier.SUFFIX)));
  }

  @Test
  void goesOnAfterTheTimeoutWithTheCountItSaw() {
    assertEquals(1, arrive("lonely", 3, 1));
  }

  private int arrive(String id, int parties, int seconds) {
    try {
      return new StartBarrier(dir, id, parties, Duration.ofSeconds(seconds)).arriveAndAwait("{\"id\":\"" + id + "\"}");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
