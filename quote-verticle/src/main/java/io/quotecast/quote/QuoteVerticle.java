package io.quotecast.quote;

import io.quotecast.common.Addresses;
import io.quotecast.common.ConfigKeys;
import io.quotecast.common.ReferenceData;
import io.quotecast.common.PublicationCodec;
import io.quotecast.common.Settings;
import io.quotecast.common.cluster.QuoteRoute;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.SortedSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data-source verticle: runs the market simulator for the symbol buckets this node owns
 * ({@link BucketOwnership}), publishes quote/trade/kline publications on the event bus
 * ({@link io.quotecast.common.ChannelKey#address()}), writes snapshots behind to {@link Addresses#SNAPSHOT_MAP},
 * answers each owned bucket's {@link QuoteRoute} address (formats in {@link QuoteRequests}) and
 * {@link Addresses#SOURCE_STATES}. Thin: the logic is in {@link QuoteEngine} and {@link OwnershipPlan}.
 */
public class QuoteVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(QuoteVerticle.class);
  public static final String SOURCE = "simulator";
  private static final long CLOCK_MS = 100;

  private QuoteConfig config;
  private QuoteEngine engine;
  private BucketOwnership ownership;
  private MessageConsumer<Object> sourceStates;
  private MessageConsumer<JsonObject> faults;
  private SimulatorConnection connection;
  private long tickTimer = -1;
  private long clockTimer = -1;
  private double carry;

  @Override
  public Future<?> start() {
    Settings settings = new Settings(config());
    config = QuoteConfig.from(settings);
    PublicationCodec.register(vertx);
    SecureRandom secure = new SecureRandom();
    long seed = config.seed() != 0 ? config.seed() : secure.nextLong() | 1;
    String epoch = newEpoch(secure);
    int buckets = settings.getInt(ConfigKeys.CLUSTER_BUCKETS);
    long reconcileMs = settings.getLong(ConfigKeys.CLUSTER_RECONCILE_MS);
    long flushMs = settings.getLong(ConfigKeys.CLUSTER_SNAPSHOT_FLUSH_MS);
    // a peer that died while we start holds its buckets until the member timeout: wait that long for them, not longer
    long settleMs = Math.max(5_000, 2_000L * settings.getLong(ConfigKeys.CLUSTER_MEMBER_TIMEOUT_SECONDS));
    String name = settings.get(ConfigKeys.NODE_ID) == null ? "" : settings.getString(ConfigKeys.NODE_ID);
    return ReferenceData.publish(vertx, config.listingsFile()).compose(listings -> vertx.executeBlocking(() -> {
      long t0 = System.nanoTime();
      QuoteEngine e = new QuoteEngine(listings, config, seed, epoch, System.currentTimeMillis());
      LOG.info("simulator ready: {} symbols, mode {}, seed {}, backfill {} ms", e.size(), config.mode(), seed,
          (System.nanoTime() - t0) / 1_000_000);
      return e;
    })).compose(e -> {
      engine = e;
      ownership = new BucketOwnership(vertx, e, name, buckets, reconcileMs, flushMs, settleMs, secure);
      connection = new SimulatorConnection(vertx, SOURCE, settings.getLong(ConfigKeys.SOURCE_STALE_MS),
          now -> e.simulator().clock().phase(now).active(),
          status -> vertx.eventBus().publish(Addresses.SOURCE_STATUS, status), secure);
      sourceStates = vertx.eventBus().consumer(Addresses.SOURCE_STATES,
          new RequestHandler(m -> new JsonArray().add(connection.status())));
      faults = vertx.eventBus().consumer(Addresses.SOURCE_FAULT, m -> connection.inject(
          m.body().getString("mode", SimulatorConnection.NONE), m.body().getLong("durationMs", 0L)));
      return Future.all(ownership.start(), sourceStates.completion(), faults.completion());
    }).onSuccess(v -> {
      QuoteEngine.Sink sink = ownership.sink();
      tickTimer = vertx.setPeriodic(config.tickMs(), id -> tick(sink));
      clockTimer = vertx.setPeriodic(CLOCK_MS, id -> engine.onClock(System.currentTimeMillis(), sink));
      connection.start();
      String faultMode = settings.getString(ConfigKeys.SIMULATOR_FAULT_MODE).trim();
      if (!faultMode.equals(SimulatorConnection.NONE)) {
        vertx.setTimer(Math.max(1, settings.getLong(ConfigKeys.SIMULATOR_FAULT_AFTER_MS)), id ->
            connection.inject(faultMode, settings.getLong(ConfigKeys.SIMULATOR_FAULT_DURATION_MS)));
      }
      vertx.eventBus().publish(Addresses.SOURCE_STATUS, connection.status());
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(tickTimer);
    vertx.cancelTimer(clockTimer);
    if (connection != null) {
      connection.stop();
    }
    return Future.all(ownership == null ? Future.succeededFuture() : ownership.stop(),
        sourceStates == null ? Future.succeededFuture() : sourceStates.unregister(),
        faults == null ? Future.succeededFuture() : faults.unregister());
  }

  /** The engine, once started (for tests and embedding). */
  public QuoteEngine engine() {
    return engine;
  }

  /** Buckets this node produces (for tests and monitoring). */
  public SortedSet<Integer> ownedBuckets() {
    return ownership.ownedBuckets();
  }

  /** Symbols this node produces. */
  public int ownedSymbols() {
    return engine.ownedCount();
  }

  /** Snapshot map writes so far (write-behind and hand-overs). */
  public long snapshotPuts() {
    return ownership.writeBehind().puts();
  }

  /** Duration of the last takeover in ms, -1 before any. */
  public long lastTakeoverMs() {
    return ownership.lastTakeoverMs();
  }

  private void tick(QuoteEngine.Sink sink) {
    long now = System.currentTimeMillis();
    if (!connection.producing(now)) {
      return; // an injected fault: the source sends nothing
    }
    carry += config.updatesPerTick();
    int n = (int) carry;
    carry -= n;
    if (n > 0) {
      engine.generate(n, now, sink);
      connection.updated(now);
    }
  }

  /** A short random base36 epoch (6 characters). */
  static String newEpoch(java.util.Random random) {
    long min = 36L * 36 * 36 * 36 * 36; // 36^5
    return Long.toString(min + Math.floorMod(random.nextLong(), 35 * min), 36);
  }
}
