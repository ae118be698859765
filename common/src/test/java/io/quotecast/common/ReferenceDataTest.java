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

/** The first node's listings become everyone's; a node with another file still serves the shared ones. */
class ReferenceDataTest {

  @Test
  void theFirstListingsAreTheOnesEveryoneServes(@TempDir Path dir) throws Exception {
    String shipped = ListingLoader.readConfigured("");
    List<String> lines = shipped.lines().toList();
    Path small = dir.resolve("small.csv");
    Files.writeString(small, String.join("\n", lines.subList(0, 4)) + "\n", StandardCharsets.UTF_8);
    Vertx vertx = Vertx.vertx();
    try {
      List<Listing> first = ReferenceData.listings(vertx, "").toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      assertEquals(ListingLoader.loadShipped().size(), first.size());
      List<Listing> second = ReferenceData.listings(vertx, small.toString()).toCompletionStage()
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals(first, second, "a later node serves the cluster's listings, not its own 3-line file");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    Vertx fresh = Vertx.vertx();
    try {
      assertEquals(3, ReferenceData.listings(fresh, small.toString()).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).size(), "the first node's own file when nothing is shared yet");
    } finally {
      fresh.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
