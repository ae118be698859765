package io.quotecast.subscription;

import io.quotecast.common.Addresses;
import io.quotecast.common.cluster.ClusterView;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's entry in {@link Addresses#USAGE_MAP} current and {@link ClusterUsage} fed with the other nodes':
 * every {@code interval} it publishes and reads, and {@link #changed()} publishes again within {@value #DEBOUNCE_MS} ms
 * (one write for a burst of changes). Writes are sequential, so an older entry never overwrites a newer one. Runs on
 * the owning verticle's event loop; map failures are logged and retried on the next tick.
 */
final class UsageSync {
  private static final Logger log = LoggerFactory.getLogger(UsageSync.class);
  static final long DEBOUNCE_MS = 100;
  private static final long STOP_TIMEOUT_MS = 2000;

  private final Vertx vertx;
  private final ClusterView view;
  private final ClusterUsage usage;
  private final Supplier<JsonObject> localEntry;
  private final long intervalMs;
  private AsyncMap<String, JsonObject> map;
  private long periodic = -1;
  private long pending = -1;
  private boolean writing;
  private boolean writeAgain;
  private boolean reading;
  private boolean stopped;

  UsageSync(Vertx vertx, ClusterView view, ClusterUsage usage, Supplier<JsonObject> localEntry, long intervalMs) {
    this.vertx = vertx;
    this.view = view;
    this.usage = usage;
    this.localEntry = localEntry;
    this.intervalMs = intervalMs;
  }

  /** Gets the map, publishes and reads once, then every interval. */
  Future<Void> start() {
    return vertx.sharedData().<String, JsonObject>getAsyncMap(Addresses.USAGE_MAP)
        .compose(m -> {
          map = m;
          // a failed first round is logged and retried on the next tick: the local limits still hold meanwhile
          return Future.join(write(), read()).<Void>mapEmpty().otherwiseEmpty();
        })
        .onSuccess(v -> periodic = vertx.setPeriodic(intervalMs, t -> {
          publish();
          read();
        }));
  }

  /** This node's usage changed: publish it soon. */
  void changed() {
    if (pending < 0 && map != null && !stopped) {
      pending = vertx.setTimer(DEBOUNCE_MS, t -> {
        pending = -1;
        publish();
      });
    }
  }

  /** Stops publishing and removes this node's entry, so that its usage stops counting at once. */
  Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(periodic);
    vertx.cancelTimer(pending);
    if (map == null) {
      return Future.succeededFuture();
    }
    return map.remove(view.nodeId()).<Void>mapEmpty().timeout(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .recover(e -> {
          log.warn("could not remove this node's usage entry: {}", e.toString());
          return Future.succeededFuture();
        });
  }

  private void publish() {
    if (writing) {
      writeAgain = true;
      return;
    }
    write();
  }

  private Future<Void> write() {
    if (stopped) {
      return Future.succeededFuture();
    }
    writing = true;
    return map.put(view.nodeId(), localEntry.get())
        .onComplete(ar -> {
          writing = false;
          if (ar.failed()) {
            log.warn("could not publish this node's subscription usage: {}", ar.cause().toString());
          }
          if (writeAgain) {
            writeAgain = false;
            write();
          }
        });
  }

  private Future<Void> read() {
    if (reading || stopped) {
      return Future.succeededFuture();
    }
    reading = true;
    return map.entries()
        .map(entries -> {
          List<String> stale = usage.update(entries, view.members());
          for (String node : stale) {
            log.info("purging the subscription usage of departed node {}", node);
            map.remove(node);
          }
          return (Void) null;
        })
        .onComplete(ar -> {
          reading = false;
          if (ar.failed()) {
            log.warn("could not read the cluster's subscription usage: {}", ar.cause().toString());
          }
        });
  }
}
