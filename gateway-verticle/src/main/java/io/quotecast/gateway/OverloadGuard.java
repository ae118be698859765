package io.quotecast.gateway;

import io.quotecast.common.Addresses;
import io.quotecast.common.ErrorCode;
import io.quotecast.common.Freq;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.auth.Principal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One gateway instance's side of the overload ladder. The node decides the level ({@link NodeOverload}) and publishes
 * it every load interval on {@link Addresses#GATEWAY_OVERLOAD_LEVEL}; this applies it to the instance's own sessions:
 * free subscriptions slowed from level 1 (and given their freq back, spread over a moment, at level 0), new
 * connections of refused tiers turned away before the upgrade or at their first authentication, and open
 * connections of shed tiers closed with 1013 — lowest tier first, newest first, at the node's shedding pace. In reply
 * to each level message it reports what it measures of its sessions (send-queue bytes, slowed subscriptions). Runs
 * on the instance's event loop.
 */
final class OverloadGuard {
  /** How often shedding runs while the level sheds anything; each round takes what the node's budget allows. */
  static final long SHED_TICK_MS = 100;
  /** Restorations at level 0 are grouped into at most this many moments within the spread. */
  private static final int RESTORE_SLOTS = 20;
  /** WebSocket close reasons are limited to 123 bytes. */
  private static final int MAX_CLOSE_REASON = 123;

  private final Gateway gw;
  private final OverloadTally tally;
  private final String instance = UUID.randomUUID().toString();

  private OverloadLevel level = OverloadLevel.NORMAL;
  private Freq degradedFreq;
  private int shedPerSecond = 1;
  private long retryAfterMs = 1000;
  private long restoreSpreadMs;
  private long shedTimer = -1;
  /** Pending spread restorations belong to this generation; a new degradation cancels them by moving it on. */
  private int restoreGeneration;

  OverloadGuard(Gateway gw) {
    this.gw = gw;
    this.tally = OverloadTally.of(gw.vertx);
    gw.vertx.eventBus().<JsonObject>localConsumer(Addresses.GATEWAY_OVERLOAD_LEVEL, m -> onLevel(m.body()));
  }

  OverloadLevel level() {
    return level;
  }

  // ---- the node's decision ----------------------------------------------------------------------------------------

  /** {@code {level, degradedFreq, shedPerSecond, retryAfterMs, restoreSpreadMs}} from the node verticle. */
  void onLevel(JsonObject m) {
    OverloadLevel next = OverloadLevel.of(m.getInteger("level", 0));
    Freq freq = Freq.fromWire(m.getString("degradedFreq"));
    shedPerSecond = Math.max(1, m.getInteger("shedPerSecond", 1));
    retryAfterMs = Math.max(0, m.getLong("retryAfterMs", 1000L));
    restoreSpreadMs = Math.max(0, m.getLong("restoreSpreadMs", 0L));
    boolean changed = next != level || (freq != null && freq != degradedFreq);
    level = next;
    if (freq != null) {
      degradedFreq = freq;
    }
    if (changed) {
      applyToAll();
    }
    if (level.shedsAny() && shedTimer < 0) {
      shedTimer = gw.vertx.setPeriodic(SHED_TICK_MS, id -> shed());
    } else if (!level.shedsAny() && shedTimer >= 0) {
      gw.vertx.cancelTimer(shedTimer);
      shedTimer = -1;
    }
    report();
  }

  /** What the node's next decision needs from this instance: its sessions' queued bytes and slowed subscriptions. */
  private void report() {
    long queued = 0;
    long slowed = 0;
    for (Session s : gw.sessions) {
      long q = s.transport.queuedBytes();
      if (q > 0) {
        queued += q;
      }
      slowed += s.degradedSubscriptions();
    }
    tally.report(instance, queued, slowed, System.currentTimeMillis());
  }

  // ---- degradation ------------------------------------------------------------------------------------------------

  private void applyToAll() {
    if (level == OverloadLevel.NORMAL) {
      restoreSpread();
      return;
    }
    restoreGeneration++; // restorations still pending would undo what this level wants
    for (Session s : new ArrayList<>(gw.sessions)) {
      applyTo(s);
    }
  }

  /**
   * Brings one session in line with the level: slowed if its tier is degraded, its own freqs back if it was slowed and
   * is not any more (a new tier, or the overload ended). For a session that just got its user (welcome, {@code auth}).
   */
  void applyTo(Session s) {
    if (s.isClosed() || !s.welcomed() || s.principal == null) {
      return;
    }
    if (degradedFreq != null && level.degrades(tierOf(s))) {
      s.degrade(degradedFreq);
    } else if (s.degraded()) {
      s.restore();
    }
  }

  /**
   * The overload ended: every slowed session gets its own freqs back, at random moments within
   * {@code min(stepDownMs, 10 s)}, so the node that just recovered does not take every client's full rate at once.
   */
  private void restoreSpread() {
    int generation = ++restoreGeneration;
    List<List<Session>> slots = new ArrayList<>();
    int n = restoreSpreadMs <= 0 ? 1 : RESTORE_SLOTS;
    for (int i = 0; i < n; i++) {
      slots.add(new ArrayList<>());
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (Session s : gw.sessions) {
      if (s.degraded()) {
        slots.get(random.nextInt(n)).add(s);
      }
    }
    for (int i = 0; i < n; i++) {
      List<Session> slot = slots.get(i);
      if (slot.isEmpty()) {
        continue;
      }
      Runnable restore = () -> {
        if (generation == restoreGeneration && level == OverloadLevel.NORMAL) {
          slot.forEach(Session::restore);
        }
      };
      long delay = restoreSpreadMs * (i + 1) / n; // none at once: a level rising meanwhile cancels them all
      if (delay <= 0) {
        restore.run();
      } else {
        gw.vertx.setTimer(delay, t -> restore.run());
      }
    }
  }

  // ---- refusing new connections -----------------------------------------------------------------------------------

  /**
   * Before the upgrade: when the level refuses the tier the handshake shows (its token's, or free for an anonymous
   * handshake where anonymous access is on), answers 503 with Retry-After and the other nodes and returns true. A
   * handshake whose tier is not known yet (a token to come with {@code auth}, or one that fails verification) passes;
   * {@link #refusal} catches it once its tier is known. {@code user} is the handshake's, as the gateway verified it.
   */
  boolean refusedBeforeUpgrade(RoutingContext ctx, Principal user) {
    if (!level.refusesAny()) {
      return false;
    }
    String tier = user == null ? null : user.tier();
    if (tier == null || !level.refuses(tier)) {
      return false;
    }
    ProtocolException refused = refused(tier);
    RestApi.problem(ctx, refused, 503);
    return true;
  }

  /** The refusal for a connection of {@code user} (its tier just became known), or null when it may stay. */
  ProtocolException refusal(Principal user) {
    return level.refusesAny() && level.refuses(user.tier()) ? refused(user.tier()) : null;
  }

  private ProtocolException refused(String tier) {
    tally.refused(tier).increment();
    List<String> endpoints = gw.fleet.alternatives();
    String where = endpoints.isEmpty() ? "; try again later" : "; connect to " + endpoints.get(0) + " instead";
    JsonObject extra = new JsonObject().put("retryAfterMs", retryAfterMs).put("endpoints", new JsonArray(endpoints))
        .put("overload", level.wire()).put("tier", tier);
    return new ProtocolException(ErrorCode.UNAVAILABLE, "this node is overloaded and refuses new " + tier
        + "-tier connections" + where, extra);
  }

  /** The 1013 close reason for a refusal: naming the first alternative node. */
  String closeReason(ProtocolException refusal) {
    JsonArray endpoints = refusal.extra().getJsonArray("endpoints", new JsonArray());
    return closeReason(endpoints.isEmpty() ? null : endpoints.getString(0));
  }

  private static String closeReason(String endpoint) {
    String reason = "overloaded" + (endpoint == null ? "" : "; try " + endpoint);
    while (reason.getBytes(StandardCharsets.UTF_8).length > MAX_CLOSE_REASON) {
      reason = reason.substring(0, reason.length() - 1);
    }
    return reason;
  }

  // ---- shedding ---------------------------------------------------------------------------------------------------

  /**
   * One round: the sessions whose tier the level sheds, lowest tier first and the newest first within a tier (they
   * lose the least), each while the node's budget allows; each gets {@code notice overloaded} with a reconnect delay
   * spread over the retry time, then close 1013.
   */
  private void shed() {
    if (!level.shedsAny()) {
      return;
    }
    List<Session> candidates = new ArrayList<>();
    for (Session s : gw.sessions) {
      if (s.welcomed() && !s.isClosed() && level.sheds(tierOf(s))) {
        candidates.add(s);
      }
    }
    if (candidates.isEmpty()) {
      return;
    }
    candidates.sort(Comparator.comparingInt((Session s) -> OverloadLevel.rank(tierOf(s)))
        .thenComparing(Comparator.comparingLong((Session s) -> s.connectedAt).reversed()));
    List<String> endpoints = gw.fleet.alternatives();
    String reason = closeReason(endpoints.isEmpty() ? null : endpoints.get(0));
    long now = System.currentTimeMillis();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (Session s : candidates) {
      if (!tally.budget.take(now, shedPerSecond)) {
        return;
      }
      tally.shed(tierOf(s)).increment();
      s.shed(random.nextLong(retryAfterMs + 1), endpoints, reason);
    }
  }

  private static String tierOf(Session s) {
    return s.tier == null ? null : s.tier.tier();
  }
}
