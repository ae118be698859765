package io.quotecast.quote;

import io.quotecast.common.Addresses;
import io.quotecast.common.ConfigKeys;
import io.quotecast.common.ReferenceData;
import io.quotecast.common.PublicationCodec;
import io.quotecast.common.Settings;
import io.quotecast.common.cluster.ClusterView;
import io.quotecast.common.cluster.QuoteRoute;
import io.quotecast.common.cluster.ScatterGather;
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
 * The data-source verticle: runs the market simulator, or applies an upstream feed's ticks ({@code source.kind: feed},
 * {@link FeedConnection}), for the symbol buckets this node owns ({@link BucketOwnership}); publishes quote/trade/kline
 * publications on the event bus ({@link io.quotecast.common.ChannelKey#address()}), writes snapshots behind to
 * {@link Addresses#SNAPSHOT_MAP}, answers each owned bucket's {@link QuoteRoute} address (formats in
 * {@link QuoteRequests}), {@link Addresses#SOURCE_STATES} and {@link Addresses#QUOTE_QUALITY} ({@link QualityQuery}).
 * Thin: the logic is in {@link QuoteEngine}, {@link QualityBook} and {@link OwnershipPlan}.
 */
public class QuoteVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(QuoteVerticle.class);
  public static final String SOURCE = "simulator";
  /** The source name in {@code status} when an upstream feed drives the market. */
  public static final String FEED_SOURCE = "feed";
  private static final long CLOCK_MS = 100;
  /** Injected per-symbol faults (simulator only): skipped source sequence numbers, a symbol without updates. */
  static final String GAP = "gap";
  static final String STALE = "stale";

  private QuoteConfig config;
  private QuoteEngine engine;
  private BucketOwnership ownership;
  private MessageConsumer<Object> sourceStates;
  private MessageConsumer<JsonObject> faults;
  private MessageConsumer<JsonObject> quality;
  private SourceConnection source;
  /** The simulator's connection; null when a feed is the source. */
  private SimulatorConnection simulator;
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
    boolean fromFeed = FEED_SOURCE.equals(settings.getString(ConfigKeys.SOURCE_KIND).trim().toLowerCase(
        java.util.Locale.ROOT));
    if (fromFeed && (config.dailyBars() > 0 || config.minuteBars() > 0)) {
      LOG.warn("source.kind is feed but backfill.dailyBars/minuteBars make up {}/{} bars of synthetic history per "
          + "symbol; set them to 0 unless that is wanted (a demo)", config.dailyBars(), config.minuteBars());
    }
    return ReferenceData.publish(vertx, config.listingsFile()).compose(listings -> vertx.executeBlocking(() -> {
      long t0 = System.nanoTime();
      QuoteEngine e = new QuoteEngine(listings, config, seed, epoch, System.currentTimeMillis());
      if (fromFeed) {
        e.feedDriven();
      }
      LOG.info("{} ready: {} symbols, mode {}, seed {}, backfill {} ms", fromFeed ? "feed market" : "simulator",
          e.size(), config.mode(), seed, (System.nanoTime() - t0) / 1_000_000);
      return e;
    })).compose(e -> {
      engine = e;
      ownership = new BucketOwnership(vertx, e, name, buckets, reconcileMs, flushMs, settleMs, secure);
      source = fromFeed ? newFeed(settings, e, ownership.sink(), secure) : newSimulator(settings, e, secure);
      RequestHandler states = new RequestHandler(m -> new JsonArray().add(source.status()));
      String member = ClusterView.of(vertx).nodeId();
      sourceStates = vertx.eventBus().consumer(Addresses.SOURCE_STATES, m -> {
        if (m.headers().contains(ScatterGather.REPLY_TO)) {
          // the admin API asks every quote node at once (GET /admin/sources)
          ScatterGather.answer(vertx, m, new JsonObject().put("member", member).put("node", name)
              .put("sources", new JsonArray().add(source.status())));
        } else {
          states.handle(m);
        }
      });
      faults = vertx.eventBus().consumer(Addresses.SOURCE_FAULT, m -> injectFault(m.body()));
      quality = vertx.eventBus().consumer(Addresses.QUOTE_QUALITY, m -> ScatterGather.answer(vertx, m,
          QualityQuery.from(m.body()).answer(engine, name, member, System.currentTimeMillis())
              .put("node", member).put("name", name)));
      return Future.all(ownership.start(), sourceStates.completion(), faults.completion(), quality.completion());
    }).onSuccess(v -> {
      QuoteEngine.Sink sink = ownership.sink();
      if (simulator != null) {
        tickTimer = vertx.setPeriodic(config.tickMs(), id -> tick(sink));
      }
      clockTimer = vertx.setPeriodic(CLOCK_MS, id -> engine.onClock(System.currentTimeMillis(), sink));
      // after the first ownership round: ticks for symbols not claimed yet would only be skipped
      source.start();
      String faultMode = settings.getString(ConfigKeys.SIMULATOR_FAULT_MODE).trim();
      if (simulator != null && !faultMode.equals(SimulatorConnection.NONE)) {
        JsonObject fault = new JsonObject().put("mode", faultMode)
            .put("durationMs", settings.getLong(ConfigKeys.SIMULATOR_FAULT_DURATION_MS))
            .put("symbol", settings.get(ConfigKeys.SIMULATOR_FAULT_SYMBOL) == null ? ""
                : settings.getString(ConfigKeys.SIMULATOR_FAULT_SYMBOL))
            .put("skip", settings.get(ConfigKeys.SIMULATOR_FAULT_SKIP) == null ? 1L
                : settings.getLong(ConfigKeys.SIMULATOR_FAULT_SKIP));
        vertx.setTimer(Math.max(1, settings.getLong(ConfigKeys.SIMULATOR_FAULT_AFTER_MS)), id -> injectFault(fault));
      }
      vertx.eventBus().publish(Addresses.SOURCE_STATUS, source.status());
    });
  }

  private SourceConnection newSimulator(Settings settings, QuoteEngine e, SecureRandom random) {
    simulator = new SimulatorConnection(vertx, SOURCE, settings.getLong(ConfigKeys.SOURCE_STALE_MS),
        now -> e.simulator().clock().phase(now).active(), this::publishStatus, random);
    return simulator;
  }

  private SourceConnection newFeed(Settings settings, QuoteEngine e, QuoteEngine.Sink sink, SecureRandom random) {
    FeedSettings feedSettings = FeedSettings.from(settings);
    FeedIngest feed = new FeedIngest(e, sink, new FeedCounters());
    LOG.info("market data from the feed at {}", feedSettings.safeUrl());
    return new FeedConnection(vertx, feedSettings, FEED_SOURCE, settings.getLong(ConfigKeys.SOURCE_STALE_MS),
        now -> e.simulator().clock().phase(now).active(), this::publishStatus, feed::onFrame, now -> {
          String summary = feed.counters().summaryDue(now);
          if (summary != null) {
            LOG.warn(summary);
          }
        }, random);
  }

  /**
   * An injected fault ({@link Addresses#SOURCE_FAULT} or {@code simulator.fault.*}): {@code down}/{@code stall}/{@code
   * none} for the connection ({@link SimulatorConnection}); {@code gap} ({@code skip} source sequence numbers of
   * {@code symbol}) or {@code stale} ({@code symbol} without updates for {@code durationMs}) for one symbol. Every
   * quote node applies it; only the symbol's owner shows it.
   */
  private void injectFault(JsonObject fault) {
    if (simulator == null) {
      LOG.warn("source fault injection ignored: it applies to the simulator, the source is the feed");
      return;
    }
    String mode = fault.getString("mode", SimulatorConnection.NONE);
    if (!GAP.equals(mode) && !STALE.equals(mode)) {
      simulator.inject(mode, fault.getLong("durationMs", 0L));
      return;
    }
    String symbol = fault.getString("symbol", "").trim().toUpperCase(java.util.Locale.ROOT);
    int i = engine.indexOf(symbol);
    if (i < 0) {
      LOG.warn("injected source fault '{}' ignored: {} is not a listed symbol", mode, symbol);
      return;
    }
    long now = System.currentTimeMillis();
    if (GAP.equals(mode)) {
      long skip = Math.max(1, fault.getLong("skip", 1L));
      engine.skipSourceSeq(i, skip);
      LOG.warn("injected source fault 'gap': the source skips {} sequence numbers of {}{}", skip, symbol,
          engine.owns(i) ? "" : " (produced by another node)");
    } else {
      long durationMs = Math.max(0, fault.getLong("durationMs", 0L));
      engine.silence(i, now + durationMs);
      LOG.warn("injected source fault 'stale': no updates for {} for {} ms{}", symbol, durationMs,
          engine.owns(i) ? "" : " (produced by another node)");
    }
  }

  private void publishStatus(JsonObject status) {
    vertx.eventBus().publish(Addresses.SOURCE_STATUS, status);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(tickTimer);
    vertx.cancelTimer(clockTimer);
    return Future.all(source == null ? Future.succeededFuture() : source.stop(),
        ownership == null ? Future.succeededFuture() : ownership.stop(),
        sourceStates == null ? Future.succeededFuture() : sourceStates.unregister(),
        faults == null ? Future.succeededFuture() : faults.unregister(),
        quality == null ? Future.succeededFuture() : quality.unregister());
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
    if (!simulator.producing(now)) {
      return; // an injected fault: the source sends nothing
    }
    carry += config.updatesPerTick();
    int n = (int) carry;
    carry -= n;
    if (n > 0) {
      engine.generate(n, now, sink);
      simulator.updated(now);
    }
  }

  /** A short random base36 epoch (6 characters). */
  static String newEpoch(java.util.Random random) {
    long min = 36L * 36 * 36 * 36 * 36; // 36^5
    return Long.toString(min + Math.floorMod(random.nextLong(), 35 * min), 36);
  }
}
