package io.quotecast.gateway;

import io.quotecast.common.auth.TierLimits;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node-wide overload figures its gateway instances and its node verticle share (through a local map): the level
 * and pressure the node decided, connections shed and refused by tier, and what each instance last measured of its
 * own sessions (send-queue bytes, slowed subscriptions). The meters read it at scrape time.
 */
final class OverloadTally implements Shareable {
  private static final String MAP = "quotecast.gateway.overload";
  private static final String KEY = "tally";

  private record Report(long queueBytes, long degradedSubscriptions, long atMs) {
  }

  volatile int level;
  volatile double pressure;
  final ShedBudget budget = new ShedBudget();
  private final Map<String, LongAdder> shed = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> refused = new ConcurrentHashMap<>();
  private final Map<String, Report> reports = new ConcurrentHashMap<>();

  OverloadTally() {
    for (String tier : TierLimits.NAMES) {
      shed.put(tier, new LongAdder());
      refused.put(tier, new LongAdder());
    }
  }

  static OverloadTally of(Vertx vertx) {
    var map = vertx.sharedData().<String, OverloadTally>getLocalMap(MAP);
    OverloadTally fresh = new OverloadTally();
    OverloadTally existing = map.putIfAbsent(KEY, fresh);
    return existing != null ? existing : fresh;
  }

  LongAdder shed(String tier) {
    return shed.computeIfAbsent(tierName(tier), t -> new LongAdder());
  }

  LongAdder refused(String tier) {
    return refused.computeIfAbsent(tierName(tier), t -> new LongAdder());
  }

  /**
   * An instance's latest measurement of its sessions. Instances report on every level message; one that stopped
   * (undeployed) stops reporting, and its last report ages out of the sums.
   */
  void report(String instance, long queueBytes, long degradedSubscriptions, long nowMs) {
    reports.put(instance, new Report(queueBytes, degradedSubscriptions, nowMs));
  }

  /** Send-queue bytes over the instances that reported within {@code maxAgeMs} (an undeployed one stops counting). */
  long queueBytes(long nowMs, long maxAgeMs) {
    reports.values().removeIf(r -> nowMs - r.atMs() > maxAgeMs);
    return reports.values().stream().filter(r -> nowMs - r.atMs() <= maxAgeMs).mapToLong(Report::queueBytes).sum();
  }

  long degradedSubscriptions(long nowMs, long maxAgeMs) {
    return reports.values().stream().filter(r -> nowMs - r.atMs() <= maxAgeMs)
        .mapToLong(Report::degradedSubscriptions).sum();
  }

  /** {@code {free: n, standard: n, pro: n}}. */
  JsonObject shedJson() {
    return byTier(shed);
  }

  JsonObject refusedJson() {
    return byTier(refused);
  }

  private static JsonObject byTier(Map<String, LongAdder> counts) {
    JsonObject out = new JsonObject();
    for (String tier : TierLimits.NAMES) {
      out.put(tier, counts.get(tier).sum());
    }
    return out;
  }

  /** Connections without a known tier count as the lowest, as {@link OverloadLevel#rank} treats them. */
  private static String tierName(String tier) {
    return TierLimits.NAMES.get(OverloadLevel.rank(tier));
  }
}
