package io.quotecast.quote;

import io.quotecast.common.Listing;
import io.quotecast.common.ListingLoader;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Listing universes for tests. */
final class TestListings {
  private TestListings() {}

  /** 21 listings of every board, with ST names, a few very cheap stocks and 600519.SH at 1720.00. */
  static Path smallFile() {
    try {
      return Path.of(TestListings.class.getClassLoader().getResource("test-listings.csv").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<Listing> small() {
    return ListingLoader.load(smallFile());
  }

  /** The full market (5,524 listings) from ../shared/data, or null when it is not beside the checkout. */
  static List<Listing> full() {
    String dir = System.getProperty("quotecast.sharedData", "../../shared/data");
    Path p = Path.of(dir, "a-share-listings.csv");
    if (!Files.isRegularFile(p)) {
      p = Path.of("../../shared/data/a-share-listings.csv");
    }
    return Files.isRegularFile(p) ? ListingLoader.load(p) : null;
  }
}
