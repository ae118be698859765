package io.quotecast.common;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reference data (the symbol listings) from the cluster's shared cache, so every node — quote, subscription and
 * gateway roles alike — serves the same universe and REST answers the same on any node. The first node to start
 * puts its own listings ({@code symbols.listingsFile}, or the shipped universe) into {@link Addresses#REFERENCE_MAP};
 * every later node uses that copy, and says so when its own file differs (a rolling update with a new file keeps the
 * fleet consistent; the new listings take effect when the whole cluster restarts). Not clustered the map is local:
 * the node's own file, read once.
 */
public final class ReferenceData {
  private static final Logger LOG = LoggerFactory.getLogger(ReferenceData.class);
  public static final String LISTINGS = "listings";

  private ReferenceData() {}

  /** The listings this node serves: the cluster's, or its own {@code configuredFile} when it is the first. */
  public static Future<List<Listing>> listings(Vertx vertx, String configuredFile) {
    Future<String> mine = vertx.executeBlocking(() -> ListingLoader.readConfigured(configuredFile), false);
    Future<AsyncMap<String, String>> map = vertx.sharedData().getAsyncMap(Addresses.REFERENCE_MAP);
    return Future.all(mine, map).compose(both -> {
      String own = mine.result();
      return map.result().putIfAbsent(LISTINGS, own).map(existing -> {
        if (existing != null && !existing.equals(own)) {
          LOG.warn("symbols.listingsFile '{}' differs from the listings the cluster already serves; using the "
              + "cluster's ({} lines) so every node answers the same", configuredFile, existing.lines().count());
        }
        return existing != null ? existing : own;
      });
    }).compose(csv -> vertx.executeBlocking(() -> ListingLoader.parse(csv, Addresses.REFERENCE_MAP), false));
  }
}
