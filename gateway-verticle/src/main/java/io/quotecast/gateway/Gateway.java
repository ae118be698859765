package io.quotecast.gateway;

import io.quotecast.common.ConfigKeys;
import io.quotecast.common.Freq;
import io.quotecast.common.GatewayCounters;
import io.quotecast.common.Settings;
import io.quotecast.common.SymbolDirectory;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.Set;

/** What the sessions of one gateway instance share: settings, feeds, sessions, reference data, source states. */
final class Gateway {
  final Vertx vertx;
  final Settings settings;
  final GatewayCounters counters;
  final FeedRegistry feeds;
  final SymbolDirectory symbols;
  final Set<Session> sessions = new LinkedHashSet<>();
  final String nodeId;
  final long startedAt = System.currentTimeMillis();

  final int heartbeatMs;
  final int idleTimeoutMs;
  final int maxMessageBytes;
  final int writeQueueBytes;
  final int malformedLimit;
  final int malformedWindowMs;
  final int subscriptionsPerConnection;
  final int connectionsPerNode;
  final int requestsPerSecond;
  final Freq minFreq;

  /** Latest known state per data source ({@code [{source, state, since, reason?}]}). */
  JsonArray sources = new JsonArray();

  Gateway(Vertx vertx, Settings settings, SymbolDirectory symbols) {
    this.vertx = vertx;
    this.settings = settings;
    this.symbols = symbols;
    this.counters = GatewayCounters.of(vertx);
    this.feeds = new FeedRegistry(vertx, counters);
    this.nodeId = settings.getString(ConfigKeys.NODE_ID);
    this.heartbeatMs = settings.getInt(ConfigKeys.GATEWAY_HEARTBEAT_MS);
    this.idleTimeoutMs = settings.getInt(ConfigKeys.GATEWAY_IDLE_TIMEOUT_MS);
    this.maxMessageBytes = settings.getInt(ConfigKeys.GATEWAY_MAX_MESSAGE_BYTES);
    this.writeQueueBytes = settings.getInt(ConfigKeys.GATEWAY_WRITE_QUEUE_BYTES);
    this.malformedLimit = settings.getInt(ConfigKeys.GATEWAY_MALFORMED_LIMIT);
    this.malformedWindowMs = settings.getInt(ConfigKeys.GATEWAY_MALFORMED_WINDOW_MS);
    this.subscriptionsPerConnection = settings.getInt(ConfigKeys.LIMITS_SUBSCRIPTIONS_PER_CONNECTION);
    this.connectionsPerNode = settings.getInt(ConfigKeys.LIMITS_CONNECTIONS_PER_NODE);
    this.requestsPerSecond = settings.getInt(ConfigKeys.LIMITS_REQUESTS_PER_SECOND);
    this.minFreq = settings.getFreq(ConfigKeys.LIMITS_MIN_FREQ);
  }

  /** The limits a connection works under, as {@code welcome} and {@code list} show them. */
  JsonObject limits() {
    return new JsonObject()
        .put("subscriptions", subscriptionsPerConnection)
        .put("requestsPerSecond", requestsPerSecond)
        .put("maxMessageBytes", maxMessageBytes)
        .put("minFreq", minFreq.wire());
  }
}
