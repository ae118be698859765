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
  private long tickTimer = -1;
  private long clockTimer = -1;
  private double carry;
  private long since;

  @Override
  public Future<?> start() {
    Settings settings = new Settings(config());
    config = QuoteConfig.from(settings);
    PublicationCodec.register(vertx);
    SecureRandom secure = new SecureRandom();
    long seed = config.seed() != 0 ? config.seed() : secure.nextLong() | 1;
    String epoch = newEpoch(secure);
    long startedAt = System.currentTimeMillis();
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
      since = startedAt;
      ownership = new BucketOwnership(vertx, e, name, buckets, reconcileMs, flushMs, settleMs, secure);
      sourceStates = vertx.eventBus().consumer(Addresses.SOURCE_STATES,
          new RequestHandler(m -> new JsonArray().add(status())));
      return Future.all(ownership.start(), sourceStates.completion());
    }).onSuccess(v -> {
      QuoteEngine.Sink sink = ownership.sink();
      tickTimer = vertx.setPeriodic(config.tickMs(), id -> tick(sink));
      clockTimer = vertx.setPeriodic(CLOCK_MS, id -> engine.onClock(System.currentTimeMillis(), sink));
      vertx.eventBus().publish(Addresses.SOURCE_STATUS, status());
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(tickTimer);
    vertx.cancelTimer(clockTimer);
    return Future.all(ownership == null ? Future.succeededFuture() : ownership.stop(),
        sourceStates == null ? Future.succeededFuture() : sourceStates.unregister());
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
    carry += config.updatesPerTick();
    int n = (int) carry;
    carry -= n;
    if (n > 0) {
      engine.generate(n, System.currentTimeMillis(), sink);
    }
  }

  private JsonObject status() {
    return new JsonObject().put("source", SOURCE).put("state", "up").put("since", since);
  }

  /** A short random base36 epoch (6 characters). */
  static String newEpoch(java.util.Random random) {
    long min = 36L * 36 * 36 * 36 * 36; // 36^5
    return Long.toString(min + Math.floorMod(random.nextLong(), 35 * min), 36);
  }
}
