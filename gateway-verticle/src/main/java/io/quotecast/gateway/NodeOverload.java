package io.quotecast.gateway;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quotecast.common.Addresses;
import io.quotecast.common.ConfigKeys;
import io.quotecast.common.ErrorCode;
import io.quotecast.common.EventLoopLag;
import io.quotecast.common.MetricNames;
import io.quotecast.common.NodeMetrics;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.Settings;
import io.quotecast.common.auth.TierLimits;
import io.quotecast.common.cluster.ClusterView;
import io.quotecast.common.cluster.ScatterGather;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's overload level, decided once per node by the gateway node verticle every {@code cluster.loadIntervalMs}:
 * it samples process CPU, event-loop lag and the send-queue bytes the instances reported, runs the
 * {@link OverloadLadder}, and publishes the level to every gateway instance of the node ({@link OverloadGuard}
 * applies it). It keeps the node's state for the operations API ({@link Addresses#OVERLOAD_STATE_MAP}, the figures),
 * answers {@code GET}/{@code POST /admin/overload} on {@link Addresses#GATEWAY_OVERLOAD}, and binds the overload
 * meters.
 */
final class NodeOverload {
  private static final Logger LOG = LoggerFactory.getLogger(NodeOverload.class);
  private static final String STATE_KEY = "state";
  /** An instance's report counts for this many load intervals (it reports on every one). */
  private static final int REPORT_INTERVALS = 3;
  static final String STATUS = "status";
  static final String CONFIGURE = "configure";

  private final Vertx vertx;
  private final OverloadTally tally;
  private final OverloadLadder ladder;
  private final CpuUsage cpu = CpuUsage.ofProcess();
  private final EventLoopLag lag;
  private final long reportMaxAgeMs;
  private final String name;
  private final String member;
  private final LocalMap<String, JsonObject> stateMap;
  private MessageConsumer<JsonObject> consumer;

  NodeOverload(Vertx vertx, Settings settings, EventLoopLag lag) {
    this.vertx = vertx;
    this.tally = OverloadTally.of(vertx);
    this.ladder = new OverloadLadder(OverloadSettings.from(settings), System.currentTimeMillis());
    this.lag = lag;
    this.reportMaxAgeMs = REPORT_INTERVALS * settings.getLong(ConfigKeys.CLUSTER_LOAD_INTERVAL_MS);
    this.name = settings.getString(ConfigKeys.NODE_ID);
    this.member = ClusterView.of(vertx).nodeId();
    this.stateMap = vertx.sharedData().getLocalMap(Addresses.OVERLOAD_STATE_MAP);
  }

  Future<Void> start() {
    bindMeters(NodeMetrics.of(vertx).registry());
    consumer = vertx.eventBus().consumer(Addresses.GATEWAY_OVERLOAD, this::handle);
    return consumer.completion().onSuccess(v -> tick());
  }

  Future<Void> stop() {
    stateMap.remove(STATE_KEY);
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** The level now (0 = normal), as this node publishes it with its load for the other nodes' endpoint lists. */
  int levelNumber() {
    return ladder.level().number();
  }

  /** One sample and decision; the level goes out to the instances whether it changed or not (late joiners). */
  void tick() {
    long now = System.currentTimeMillis();
    OverloadLadder.Sample sample = new OverloadLadder.Sample(cpu.percent(now), lag.maxMs(),
        tally.queueBytes(now, reportMaxAgeMs));
    OverloadLevel before = ladder.level();
    OverloadLevel after = ladder.tick(sample, now);
    if (after != before) {
      logChange(before, after, sample);
    }
    publish(now);
  }

  private void logChange(OverloadLevel before, OverloadLevel after, OverloadLadder.Sample sample) {
    String message = "overload level {} -> {} ({}): pressure {}, cpu {}% lag {} ms queued {} bytes; refusing {}, "
        + "shedding {}";
    Object[] args = {before.number(), after.number(), after.wire(), OverloadLadder.round(ladder.pressure()),
        OverloadLadder.round(sample.cpuPercent()), sample.eventLoopLagMs(), sample.sendQueueBytes(),
        after.refusedTiers(), after.shedTiers()};
    if (after.compareTo(before) > 0) {
      LOG.warn(message, args);
    } else {
      LOG.info(message, args);
    }
  }

  private void publish(long now) {
    OverloadSettings s = ladder.settings();
    tally.level = ladder.level().number();
    tally.pressure = ladder.pressure();
    JsonObject level = new JsonObject().put("level", ladder.level().number()).put("state", ladder.level().wire())
        .put("degradedFreq", s.degradedFreq().wire()).put("shedPerSecond", s.shedPerSecond())
        .put("retryAfterMs", s.retryAfterMs()).put("restoreSpreadMs", s.restoreSpreadMs());
    vertx.eventBus().publish(Addresses.GATEWAY_OVERLOAD_LEVEL, level, new DeliveryOptions().setLocalOnly(true));
    stateMap.put(STATE_KEY, state(now));
  }

  /**
   * What {@code GET /admin/overload} shows for this node: the ladder's state ({@link OverloadLadder#toJson}) with
   * {@code member}, {@code node}, {@code at}, {@code degradedSubscriptions}, and {@code shed} and {@code refused}
   * counts by tier since start.
   */
  JsonObject state(long now) {
    return ladder.toJson().put("member", member).put("node", name).put("at", now)
        .put("degradedSubscriptions", tally.degradedSubscriptions(now, reportMaxAgeMs))
        .put("shed", tally.shedJson()).put("refused", tally.refusedJson());
  }

  /** A question of the operations API ({@link Addresses#GATEWAY_OVERLOAD}); every gateway node answers once. */
  private void handle(Message<JsonObject> message) {
    JsonObject q = message.body();
    String node = q.getString("node");
    boolean matched = node == null || node.isBlank() || node.equals(name) || node.equals(member);
    JsonObject answer = new JsonObject().put("member", member).put("node", name).put("matched", matched);
    long now = System.currentTimeMillis();
    if (matched) {
      String action = q.getString("action", "");
      if (STATUS.equals(action)) {
        answer.put("state", state(now));
      } else if (CONFIGURE.equals(action)) {
        try {
          Object changes = q.getValue("changes");
          OverloadSettings next = ladder.settings().with(changes instanceof JsonObject o ? o : null);
          ladder.configure(next, now);
          LOG.info("overload settings changed by an operator: {}", next.toJson().encode());
          publish(now);
          answer.put("state", state(now));
        } catch (ProtocolException e) {
          answer.put("error", e.toJson());
        }
      } else {
        answer.put("error", new ProtocolException(ErrorCode.BAD_REQUEST, "unknown action " + action).toJson());
      }
    }
    ScatterGather.answer(vertx, message, answer);
  }

  /**
   * The overload meters, read at scrape time from the node's {@link OverloadTally} (registering again on a redeploy
   * finds the same meters, bound to the same tally).
   */
  private void bindMeters(MeterRegistry registry) {
    Gauge.builder(MetricNames.OVERLOAD_LEVEL, tally, t -> t.level)
        .description("Overload level of the gateway node: 0 normal, 1 free slowed, 2 free refused, 3 free shed, "
            + "4 standard refused and shed, 5 pro refused and shed")
        .strongReference(true).register(registry);
    Gauge.builder(MetricNames.OVERLOAD_PRESSURE, tally, t -> t.pressure)
        .description("The worst overload input relative to its threshold (1 = at the threshold)")
        .strongReference(true).register(registry);
    long maxAge = reportMaxAgeMs;
    Gauge.builder(MetricNames.OVERLOAD_DEGRADED_SUBSCRIPTIONS, tally,
            t -> t.degradedSubscriptions(System.currentTimeMillis(), maxAge))
        .description("Subscriptions delivered slower than their own freq because of the overload")
        .strongReference(true).register(registry);
    Gauge.builder(MetricNames.SEND_QUEUE, tally, t -> t.queueBytes(System.currentTimeMillis(), maxAge))
        .description("Bytes waiting in the send queues of all the node's WebSocket connections")
        .baseUnit("bytes").strongReference(true).register(registry);
    for (String tier : TierLimits.NAMES) {
      FunctionCounter.builder(MetricNames.OVERLOAD_SHED, tally, t -> t.shed(tier).sum())
          .description("Connections closed (1013) to shed load, by tier").tag(MetricNames.TAG_TIER, tier)
          .register(registry);
      FunctionCounter.builder(MetricNames.OVERLOAD_REFUSED, tally, t -> t.refused(tier).sum())
          .description("New connections refused for overload (503 or 1013), by tier").tag(MetricNames.TAG_TIER, tier)
          .register(registry);
    }
  }
}
