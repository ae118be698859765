package io.quotecast.quote;

import io.quotecast.common.Addresses;
import io.quotecast.common.ListingLoader;
import io.quotecast.common.Publication;
import io.quotecast.common.PublicationCodec;
import io.quotecast.common.Settings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data-source verticle: runs the market simulator, publishes quote/trade/kline publications on the event bus
 * ({@link io.quotecast.common.ChannelKey#address()}), keeps the snapshot cache ({@link Addresses#SNAPSHOT_MAP}) and
 * answers {@link Addresses#QUOTE_HISTORY}, {@link Addresses#QUOTE_REPLAY} and {@link Addresses#SOURCE_STATES}
 * (formats in {@link QuoteRequests}). Thin: the logic is in {@link QuoteEngine}.
 */
public class QuoteVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(QuoteVerticle.class);
  public static final String SOURCE = "simulator";
  private static final long CLOCK_MS = 100;

  private QuoteConfig config;
  private QuoteEngine engine;
  private QuoteRequests requests;
  private LocalMap<String, Publication> snapshots;
  private QuoteEngine.Sink sink;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
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
    return vertx.executeBlocking(() -> {
      long t0 = System.nanoTime();
      QuoteEngine e = new QuoteEngine(ListingLoader.loadConfigured(config.listingsFile()), config, seed, epoch,
          System.currentTimeMillis());
      LOG.info("simulator ready: {} symbols, mode {}, epoch {}, seed {}, backfill {} ms", e.size(), config.mode(),
          epoch, seed, (System.nanoTime() - t0) / 1_000_000);
      return e;
    }).compose(e -> {
      engine = e;
      requests = new QuoteRequests(e);
      snapshots = vertx.sharedData().getLocalMap(Addresses.SNAPSHOT_MAP);
      EventBus bus = vertx.eventBus();
      sink = (channel, p) -> {
        snapshots.put(p.channel(), p);
        bus.publish(channel.key().address(), p);
      };
      engine.seed(System.currentTimeMillis(), sink);
      since = startedAt;
      consumers.add(bus.consumer(Addresses.QUOTE_HISTORY,
          answer(body -> requests.history(body, System.currentTimeMillis()))));
      consumers.add(bus.consumer(Addresses.QUOTE_REPLAY, answer(requests::replay)));
      consumers.add(bus.consumer(Addresses.SOURCE_STATES, answer(body -> new JsonArray().add(status()))));
      tickTimer = vertx.setPeriodic(config.tickMs(), id -> tick());
      clockTimer = vertx.setPeriodic(CLOCK_MS, id -> engine.onClock(System.currentTimeMillis(), sink));
      return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
    }).onSuccess(v -> vertx.eventBus().publish(Addresses.SOURCE_STATUS, status()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(tickTimer);
    vertx.cancelTimer(clockTimer);
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
  }

  /** The engine, once started (for tests and embedding). */
  public QuoteEngine engine() {
    return engine;
  }

  private void tick() {
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

  private static Handler answer(Function<Object, Object> f) {
    return new Handler(f);
  }

  private static final class Handler implements io.vertx.core.Handler<Message<Object>> {
    private final Function<Object, Object> f;

    Handler(Function<Object, Object> f) {
      this.f = f;
    }

    @Override
    public void handle(Message<Object> message) {
      try {
        message.reply(f.apply(message.body()));
      } catch (RequestFailure e) {
        message.fail(e.code(), e.getMessage());
      } catch (RuntimeException e) {
        LOG.error("request on {} failed", message.address(), e);
        message.fail(500, "internal error: " + e);
      }
    }
  }

  /** A short random base36 epoch (6 characters). */
  static String newEpoch(java.util.Random random) {
    long min = 36L * 36 * 36 * 36 * 36; // 36^5
    return Long.toString(min + Math.floorMod(random.nextLong(), 35 * min), 36);
  }
}
