package io.quotecast.subscription;

import java.nio.file.Files;
import java.nio.file.Path;

/** The reference data beside the checkout ({@code ../shared/data}), for tests. */
final class SharedData {
  private SharedData() {}

  /** {@code a-share-listings.csv}: from the {@code quotecast.sharedData} property, else {@code ../shared/data} from the repo root. */
  static Path referenceFile() {
    String prop = System.getProperty("quotecast.sharedData");
    if (prop != null && !prop.isBlank() && !prop.contains("${")) {
      Path p = Path.of(prop, "a-share-listings.csv");
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
      dir = dir.getParent();
    }
    Path root = dir != null ? dir : Path.of("").toAbsolutePath();
    return root.resolve("../shared/data/a-share-listings.csv").normalize();
  }
}
