package io.quotecast.gateway;

import io.quotecast.common.ConfigKeys;
import io.quotecast.common.GatewayCounters;
import io.quotecast.common.Settings;
import io.quotecast.common.SymbolDirectory;
import io.quotecast.common.auth.AuthSettings;
import io.quotecast.common.auth.Principal;
import io.quotecast.common.auth.TierLimits;
import io.quotecast.common.auth.TokenVerifier;
import io.quotecast.common.cluster.NodeState;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** What the sessions of one gateway instance share: settings, feeds, sessions, reference data, source states. */
final class Gateway {
  final Vertx vertx;
  final Settings settings;
  final GatewayCounters counters;
  final FeedRegistry feeds;
  /** Requests to the quote node that owns a symbol: snapshots and history. */
  final QuoteOwner owner;
  /** This node's load and the other gateway nodes', for endpoints, admission and notices. */
  final NodeLoad load;
  final Fleet fleet;
  final NodeState nodeState;
  final SymbolDirectory symbols;
  final Set<Session> sessions = new LinkedHashSet<>();
  final String nodeId;
  final long startedAt = System.currentTimeMillis();

  final int heartbeatMs;
  /** Shutdown notices spread the clients' reconnects over this window. */
  final long drainMs;
  final int idleTimeoutMs;
  final int maxMessageBytes;
  final int writeQueueBytes;
  final int malformedLimit;
  final int malformedWindowMs;
  final int requestsPerSecond;
  final int requestBurst;
  final int rateLimitedCloseAfter;
  final AuthSettings auth;
  final TokenVerifier verifier;
  final Map<String, TierLimits> tiers;
  final OriginPolicy origins;
  /** The message traces active on this instance (admin API). */
  final GatewayTraces traces;
  /** New connections per client address, node-wide. */
  final ConnectionRate connectionRate;
  final ClientAddress clientAddress;
  /** The node's overload level as it applies to this instance's connections (README "Overload"). */
  final OverloadGuard overload;

  /** Latest known state per data source ({@code [{source, state, since, reason?}]}). */
  JsonArray sources = new JsonArray();

  Gateway(Vertx vertx, Settings settings, SymbolDirectory symbols) {
    this.vertx = vertx;
    this.settings = settings;
    this.symbols = symbols;
    this.counters = GatewayCounters.of(vertx);
    this.owner = new QuoteOwner(vertx, settings.getInt(ConfigKeys.CLUSTER_BUCKETS),
        settings.getLong(ConfigKeys.CLUSTER_REQUEST_TIMEOUT_MS));
    this.feeds = new FeedRegistry(vertx, counters, owner);
    this.load = new NodeLoad(vertx, settings);
    this.fleet = new Fleet(vertx, load);
    this.nodeState = NodeState.of(vertx);
    this.nodeId = settings.getString(ConfigKeys.NODE_ID);
    this.heartbeatMs = settings.getInt(ConfigKeys.GATEWAY_HEARTBEAT_MS);
    this.drainMs = settings.getLong(ConfigKeys.SHUTDOWN_DRAIN_MS);
    this.idleTimeoutMs = settings.getInt(ConfigKeys.GATEWAY_IDLE_TIMEOUT_MS);
    this.maxMessageBytes = settings.getInt(ConfigKeys.GATEWAY_MAX_MESSAGE_BYTES);
    this.writeQueueBytes = settings.getInt(ConfigKeys.GATEWAY_WRITE_QUEUE_BYTES);
    this.malformedLimit = settings.getInt(ConfigKeys.GATEWAY_MALFORMED_LIMIT);
    this.malformedWindowMs = settings.getInt(ConfigKeys.GATEWAY_MALFORMED_WINDOW_MS);
    this.requestsPerSecond = settings.getInt(ConfigKeys.LIMITS_REQUESTS_PER_SECOND);
    this.requestBurst = settings.getInt(ConfigKeys.LIMITS_REQUEST_BURST);
    this.rateLimitedCloseAfter = settings.getInt(ConfigKeys.LIMITS_RATE_LIMITED_CLOSE_AFTER);
    this.auth = AuthSettings.from(settings);
    this.verifier = TokenVerifier.create(vertx, auth);
    this.tiers = TierLimits.table(settings);
    this.origins = new OriginPolicy(settings.getString(ConfigKeys.GATEWAY_ALLOWED_ORIGINS));
    this.traces = new GatewayTraces(this);
    this.connectionRate = ConnectionRate.of(vertx, settings.getInt(ConfigKeys.LIMITS_CONNECTIONS_PER_IP_PER_SECOND),
        settings.getInt(ConfigKeys.LIMITS_CONNECTION_BURST_PER_IP));
    this.clientAddress = new ClientAddress(settings.getString(ConfigKeys.GATEWAY_TRUSTED_PROXIES));
    this.overload = new OverloadGuard(this);
  }

  /** The user of a connection or REST call that brings no token, or null when anonymous access is off. */
  Principal anonymousPrincipal() {
    return auth.anonymous() ? Principal.anonymous(TierLimits.FREE, auth.anonymousScopes()) : null;
  }

  TierLimits tier(Principal principal) {
    return tiers.get(principal == null ? auth.defaultTier() : principal.tier());
  }

  /** The limits a connection works under, as {@code welcome}, {@code auth} and {@code list} show them. */
  JsonObject limits(TierLimits tier) {
    return tier.toJson()
        .put("requestsPerSecond", requestsPerSecond)
        .put("requestBurst", requestBurst)
        .put("maxMessageBytes", maxMessageBytes);
  }
}
