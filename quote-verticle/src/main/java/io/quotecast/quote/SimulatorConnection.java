package io.quotecast.quote;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator seen as a connection to a data source, so the fault handling a real feed needs can be shown and
 * tested. An injected fault either cuts the connection ({@code down}: status down, reconnect attempts with backoff
 * until the fault ends, then status up) or stalls it ({@code stall}: still connected but silent, which the watch
 * reports as degraded after {@code source.staleMs}). Runs on the quote verticle's event loop.
 */
final class SimulatorConnection implements SourceConnection {
  private static final Logger LOG = LoggerFactory.getLogger(SimulatorConnection.class);
  static final String NONE = "none";
  static final String DOWN = "down";
  static final String STALL = "stall";
  private static final long CHECK_MS = 250;

  private final Vertx vertx;
  private final SourceWatch watch;
  private final Consumer<JsonObject> publish;
  private final LongPredicate trading;
  private String fault = NONE;
  private long faultUntil;
  private long checkTimer = -1;
  private long retryTimer = -1;

  SimulatorConnection(Vertx vertx, String source, long staleMs, LongPredicate trading, Consumer<JsonObject> publish,
                      Random random) {
    this.vertx = vertx;
    this.watch = new SourceWatch(source, staleMs, System.currentTimeMillis(), random);
    this.trading = trading;
    this.publish = publish;
  }

  @Override
  public void start() {
    checkTimer = vertx.setPeriodic(CHECK_MS, id -> {
      long now = System.currentTimeMillis();
      JsonObject change = watch.check(now, trading.test(now));
      if (change != null) {
        LOG.warn("source {}: {}", change.getString("state"), change.getString("reason", "updates resumed"));
        publish.accept(change);
      }
    });
  }

  @Override
  public Future<Void> stop() {
    vertx.cancelTimer(checkTimer);
    vertx.cancelTimer(retryTimer);
    return Future.succeededFuture();
  }

  /** Injects {@code mode} for {@code durationMs} ({@code none} ends a fault now). */
  void inject(String mode, long durationMs) {
    long now = System.currentTimeMillis();
    fault = mode;
    faultUntil = now + Math.max(0, durationMs);
    LOG.warn("injected source fault '{}' for {} ms", mode, durationMs);
    if (DOWN.equals(mode) && !SourceWatch.DOWN.equals(watch.state())) {
      watch.lost(now, "connection to the simulator lost (injected fault)");
      retryLater();
    }
  }

  /** Whether the source delivers updates now. */
  boolean producing(long now) {
    return !faulty(now);
  }

  void updated(long now) {
    watch.onUpdate(now);
  }

  @Override
  public JsonObject status() {
    return watch.status();
  }

  private boolean faulty(long now) {
    return !NONE.equals(fault) && now < faultUntil;
  }

  private void retryLater() {
    long delay = watch.nextRetryDelay();
    publish.accept(watch.status());
    retryTimer = vertx.setTimer(Math.max(1, delay), id -> {
      long now = System.currentTimeMillis();
      if (DOWN.equals(fault) && faulty(now)) {
        LOG.warn("reconnect attempt to the simulator failed; next in backoff");
        watch.retryFailed("reconnect attempt failed (injected fault)");
        retryLater();
      } else {
        LOG.info("source reconnected");
        publish.accept(watch.reconnected(now));
      }
    });
  }
}
