package io.quotecast.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The first quote node's listings become the cluster's; a later one with another file uses the shared ones. */
class ReferenceDataTest {

  @Test
  void theFirstListingsAreTheOnesEveryoneServes(@TempDir Path dir) throws Exception {
    String shipped = ListingLoader.readConfigured("");
    List<String> lines = shipped.lines().toList();
    Path small = dir.resolve("small.csv");
    Files.writeString(small, String.join("\n", lines.subList(0, 4)) + "\n", StandardCharsets.UTF_8);
    Vertx vertx = Vertx.vertx();
    try {
      List<Listing> first = ReferenceData.publish(vertx, "").toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      assertEquals(ListingLoader.loadShipped().size(), first.size());
      List<Listing> second = ReferenceData.publish(vertx, small.toString()).toCompletionStage()
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals(first, second, "a later quote node serves the cluster's listings, not its own 3-line file");
      assertEquals(3, ReferenceData.listings(vertx, small.toString(), 0).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).size(), "not clustered, a gateway reads its own file (one process, one file)");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    Vertx fresh = Vertx.vertx();
    try {
      assertEquals(3, ReferenceData.publish(fresh, small.toString()).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).size(), "the first node's own file when nothing is shared yet");
    } finally {
      fresh.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
