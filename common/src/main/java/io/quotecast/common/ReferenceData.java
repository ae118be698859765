package io.quotecast.common;

import io.quotecast.common.cluster.ClusterView;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reference data (the symbol listings) from the cluster's shared cache, so every node serves the same universe and
 * REST answers the same on any node. The data source authors it: the first quote node to start puts its listings
 * ({@code symbols.listingsFile}, or the shipped universe) into {@link Addresses#REFERENCE_MAP} ({@link #publish});
 * later quote nodes and every gateway/subscription node use that copy ({@link #listings}), saying so when their own
 * file differs. A rolling update with a new file therefore keeps the fleet consistent; new listings take effect when
 * the cluster restarts. Not clustered, one process reads its own file.
 */
public final class ReferenceData {
  private static final Logger LOG = LoggerFactory.getLogger(ReferenceData.class);
  public static final String LISTINGS = "listings";
  private static final long POLL_MS = 250;

  private ReferenceData() {}

  /** For the quote role: shares this node's listings unless the cluster has some already; returns the cluster's. */
  public static Future<List<Listing>> publish(Vertx vertx, String configuredFile) {
    return own(vertx, configuredFile).compose(own -> map(vertx)
        .compose(map -> map.putIfAbsent(LISTINGS, own))
        .map(existing -> chosen(existing, own, configuredFile)))
        .compose(csv -> parse(vertx, csv));
  }

  /**
   * For roles that serve listings without producing data: the cluster's copy, waiting up to {@code waitMs} for a quote
   * node to share it (then this node's own file, with a warning). Not clustered: this node's own file.
   */
  public static Future<List<Listing>> listings(Vertx vertx, String configuredFile, long waitMs) {
    if (!vertx.isClustered()) {
      return own(vertx, configuredFile).compose(csv -> parse(vertx, csv));
    }
    return own(vertx, configuredFile).compose(own -> map(vertx).compose(map -> {
      Promise<String> shared = Promise.promise();
      poll(vertx, map, System.currentTimeMillis() + waitMs, shared);
      return shared.future().map(existing -> {
        if (existing == null) {
          LOG.warn("no quote node has shared reference data within {} ms; serving this node's own listings ({}) "
              + "until restart", waitMs, ClusterView.of(vertx).nodeId());
        }
        return chosen(existing, own, configuredFile);
      });
    })).compose(csv -> parse(vertx, csv));
  }

  private static void poll(Vertx vertx, AsyncMap<String, String> map, long deadline, Promise<String> result) {
    map.get(LISTINGS).onComplete(ar -> {
      if (ar.succeeded() && ar.result() != null) {
        result.complete(ar.result());
      } else if (System.currentTimeMillis() >= deadline) {
        result.complete(null);
      } else {
        vertx.setTimer(POLL_MS, id -> poll(vertx, map, deadline, result));
      }
    });
  }

  private static String chosen(String existing, String own, String configuredFile) {
    if (existing != null && !existing.equals(own)) {
      LOG.warn("symbols.listingsFile '{}' differs from the listings the cluster serves; using the cluster's ({} "
          + "lines) so every node answers the same", configuredFile, existing.lines().count());
    }
    return existing != null ? existing : own;
  }

  private static Future<String> own(Vertx vertx, String configuredFile) {
    return vertx.executeBlocking(() -> ListingLoader.readConfigured(configuredFile), false);
  }

  private static Future<AsyncMap<String, String>> map(Vertx vertx) {
    return vertx.sharedData().getAsyncMap(Addresses.REFERENCE_MAP);
  }

  private static Future<List<Listing>> parse(Vertx vertx, String csv) {
    return vertx.executeBlocking(() -> ListingLoader.parse(csv, Addresses.REFERENCE_MAP), false);
  }
}
