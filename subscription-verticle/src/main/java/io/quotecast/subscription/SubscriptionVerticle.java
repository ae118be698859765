package io.quotecast.subscription;

import io.quotecast.common.Addresses;
import io.quotecast.common.ChannelKey;
import io.quotecast.common.ConfigKeys;
import io.quotecast.common.ErrorCode;
import io.quotecast.common.Listing;
import io.quotecast.common.ReferenceData;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.Settings;
import io.quotecast.common.SymbolDirectory;
import io.quotecast.common.auth.Principal;
import io.quotecast.common.auth.TierLimits;
import io.quotecast.common.cluster.ClusterView;
import io.quotecast.common.cluster.NodeState;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscription policy on the event bus. Every request is answered with a reply, never {@code fail}, so that error
 * extras ({@code limit}, {@code max}, {@code required}..) survive the bus: {@code {"error":{code,message,...extras}}}.
 * <ul>
 *   <li>{@link Addresses#SUBSCRIPTION_CONNECT}: {@code {"connectionId","user":Principal}} ->
 *       {@code {"limits":TierLimits,"user":Principal}}, or {@code {"error":..}} (LIMIT_EXCEEDED
 *       {@code connectionsPerUser}/{@code subscriptionsPerUser}, BAD_REQUEST). Registers the connection; sent again
 *       for a registered connection it updates the principal, or moves the connection to another user
 *       ({@link ConnectionRegistry}). A tier not in the table gets the {@code free} limits. With
 *       {@code "dryRun":true} it only answers whether the user may open one more connection, registering
 *       nothing (the gateway's check before the upgrade).</li>
 *   <li>{@link Addresses#SUBSCRIPTION_DISCONNECT} (publish): {@code {"connectionId"}} forgets the connection and releases
 *       every channel still counted for it.</li>
 *   <li>{@link Addresses#SUBSCRIPTION_CHECK}: {@code {"connectionId","channels","existing"?,"freq"?}} ->
 *       {@code {"accepted":[{ch,freq,existing}],"rejected":[{ch,code,message,suggestions?,allowed?,required?}]}}; an
 *       unregistered connection is UNAUTHORIZED. Rules in {@link SubscriptionPolicy}. Accepted new channels are counted
 *       for the connection and its user at once (a reservation), and in the statistics.</li>
 *   <li>{@link Addresses#SUBSCRIPTION_RELEASED} (publish): {@code {"connectionId","channels"}} stops counting those of
 *       the channels that are counted for the connection (idempotent).</li>
 *   <li>{@link Addresses#SUBSCRIPTION_STATS}: optional {@code {"top":n}} ->
 *       {@code {"channels":[{ch,subscribers}],"totalSubscriptions","channelCount","connections","users",
 *       "anonymousConnections","node","nodes":[..]}}, summed over the live nodes of the cluster with a per-node
 *       breakdown ({@link ClusterUsage#stats}).</li>
 *   <li>{@link Addresses#SYMBOL_SEARCH}: {@code {"q","limit"}} -> {@code {"results":[listing]}};
 *       {@code {"suggest","max"}} -> {@code {"suggestions":["600519.SH 贵州茅台",..]}}.</li>
 * </ul>
 * Deploy one instance per node that runs gateways: connect, disconnect, check and released are node-local consumers
 * (the gateways of a node talk to their own node's registry), stats and search are cluster-visible. The counts only
 * ever change on this verticle's event loop, in message order.
 *
 * <p><b>Cluster.</b> The per-user limits and the statistics are cluster-wide: the node's usage goes to
 * {@link Addresses#USAGE_MAP} soon after every change and every {@code cluster.loadIntervalMs}, and the other live
 * nodes' usage is read back at the same interval ({@link UsageSync}, {@link ClusterUsage}: remote counts lag by at most
 * about one interval). Not clustered, the same code runs against a local map and there is no other node.
 *
 * <p>Reports readiness as component {@value #COMPONENT} ({@link NodeState}).
 */
public final class SubscriptionVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(SubscriptionVerticle.class);
  static final int DEFAULT_SEARCH_LIMIT = 20;
  static final int MAX_SEARCH_LIMIT = 500;
  static final int MAX_SUGGESTIONS = 20;

  static final String COMPONENT = "subscription";

  private SubscriptionPolicy policy;
  private final SubscriptionStats stats = new SubscriptionStats();
  private ClusterView view;
  private ClusterUsage usage;
  private ConnectionRegistry registry;
  private UsageSync sync;
  private String nodeName;

  @Override
  public Future<?> start() {
    Settings settings;
    SubscriptionPolicy.Limits limits;
    String listingsFile;
    long intervalMs;
    try {
      settings = new Settings(config());
      limits = SubscriptionPolicy.Limits.from(settings);
      listingsFile = settings.getString(ConfigKeys.SYMBOLS_LISTINGS_FILE);
      intervalMs = settings.getLong(ConfigKeys.CLUSTER_LOAD_INTERVAL_MS);
      nodeName = settings.getString(ConfigKeys.NODE_ID);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    view = ClusterView.of(vertx);
    usage = new ClusterUsage(view.nodeId());
    registry = new ConnectionRegistry(usage);
    sync = new UsageSync(vertx, view, usage, this::localUsage, intervalMs);
    NodeState.of(vertx).ready(COMPONENT, false, "starting");
    // the cluster's reference data (this node's file when it is the first); indexing it is off the event loop
    return ReferenceData.listings(vertx, listingsFile, settings.getLong(ConfigKeys.CLUSTER_REQUEST_TIMEOUT_MS) * 2)
        .compose(listings -> vertx.executeBlocking(() -> SymbolDirectory.of(listings), false))
        .compose(symbols -> {
          policy = new SubscriptionPolicy(symbols, limits);
          log.info("subscription policy ready: {} symbols, limits {}", symbols.size(), limits);
          EventBus bus = vertx.eventBus();
          // the connection registry is this node's: only its own gateways may reach it
          List<MessageConsumer<?>> consumers = List.of(
              bus.<Object>localConsumer(Addresses.SUBSCRIPTION_CONNECT, m -> answer(m, this::connect)),
              bus.<Object>localConsumer(Addresses.SUBSCRIPTION_DISCONNECT, this::disconnect),
              bus.<Object>localConsumer(Addresses.SUBSCRIPTION_CHECK, m -> answer(m, this::check)),
              bus.<Object>localConsumer(Addresses.SUBSCRIPTION_RELEASED, this::released),
              bus.<Object>consumer(Addresses.SUBSCRIPTION_STATS, m -> answer(m, this::stats)),
              bus.<Object>consumer(Addresses.SYMBOL_SEARCH, m -> answer(m, this::search)));
          return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
        })
        .compose(v -> sync.start())
        .onSuccess(v -> NodeState.of(vertx).ready(COMPONENT, true, null));
  }

  @Override
  public Future<?> stop() {
    NodeState.of(vertx).ready(COMPONENT, false, "stopped");
    return sync == null ? Future.succeededFuture() : sync.stop();
  }

  /** The policy in use (for tests and diagnostics). */
  SubscriptionPolicy policy() {
    return policy;
  }

  /** The connections and per-user totals (for tests and diagnostics). */
  ConnectionRegistry registry() {
    return registry;
  }

  private JsonObject connect(JsonObject body) {
    String connectionId = connectionId(body);
    if (!(body.getValue("user") instanceof JsonObject userJson)) {
      throw ProtocolException.badRequest("user", "user must be a principal object");
    }
    if (!(userJson.getValue("id") instanceof String id) || id.isEmpty()) {
      throw ProtocolException.badRequest("user.id", "user.id must be a non-empty string");
    }
    Principal user;
    try {
      user = Principal.fromJson(userJson);
    } catch (ClassCastException | NullPointerException e) {
      // a field of the wrong type (tier not a string, scopes not an array..)
      throw ProtocolException.badRequest("user", "user is not a valid principal: " + e.getMessage());
    }
    TierLimits limits = policy.limits().tier(user.tier());
    if (!policy.limits().knows(user.tier())) {
      log.warn("connection {}: user {} has unknown tier '{}', applying {}", connectionId, user.userId(), user.tier(),
          limits.tier());
    }
    if (body.getBoolean("dryRun", false)) {
      registry.checkNewConnection(user, limits);
      return new JsonObject().put("limits", limits.toJson()).put("user", user.toJson());
    }
    registry.connect(connectionId, user, limits);
    sync.changed();
    return new JsonObject().put("limits", limits.toJson()).put("user", user.toJson());
  }

  private void disconnect(Message<Object> message) {
    if (message.body() instanceof JsonObject body && body.getValue("connectionId") instanceof String id) {
      stats.released(registry.disconnect(id));
      sync.changed();
    } else {
      log.warn("ignoring malformed {} message: {}", Addresses.SUBSCRIPTION_DISCONNECT, message.body());
    }
  }

  private JsonObject check(JsonObject body) {
    String connectionId = connectionId(body);
    ConnectionRegistry.Connection conn = registry.connection(connectionId);
    if (conn == null) {
      throw new ProtocolException(ErrorCode.UNAUTHORIZED, "connection is not registered");
    }
    SubscriptionPolicy.Decision decision = policy.check(body, new SubscriptionPolicy.Caller(conn.user(),
        conn.limits(), conn.channels(), registry.userSubscriptions(connectionId)));
    List<ChannelKey> counted = registry.reserve(connectionId, decision.added());
    if (!counted.isEmpty()) {
      stats.added(counted);
      sync.changed();
    }
    return decision.toJson();
  }

  private void released(Message<Object> message) {
    if (message.body() instanceof JsonObject body && body.getValue("connectionId") instanceof String id
        && body.getValue("channels") instanceof JsonArray channels) {
      List<String> released = registry.release(id, channels);
      if (!released.isEmpty()) {
        stats.released(released);
        sync.changed();
      }
    } else {
      log.warn("ignoring malformed {} message: {}", Addresses.SUBSCRIPTION_RELEASED, message.body());
    }
  }

  /** Cluster-wide: this node's exact figures plus the other live nodes' as last read ({@link ClusterUsage#stats}). */
  private JsonObject stats(JsonObject body) {
    return usage.stats(localUsage(), intField(body, "top", 0, 0, Integer.MAX_VALUE));
  }

  /** This node's entry in the usage map. */
  private JsonObject localUsage() {
    return ClusterUsage.entry(view.nodeId(), nodeName, registry, stats, System.currentTimeMillis());
  }

  /** The request's {@code connectionId}: a non-empty string, else BAD_REQUEST. */
  private static String connectionId(JsonObject body) {
    if (!(body.getValue("connectionId") instanceof String id) || id.isEmpty()) {
      throw ProtocolException.badRequest("connectionId", "connectionId must be a non-empty string");
    }
    return id;
  }

  private JsonObject search(JsonObject body) {
    Object suggest = body.getValue("suggest");
    if (suggest != null) {
      if (!(suggest instanceof String text)) {
        throw ProtocolException.badRequest("suggest", "suggest must be a string");
      }
      int max = intField(body, "max", SubscriptionPolicy.SUGGESTIONS, 1, MAX_SUGGESTIONS);
      return new JsonObject().put("suggestions", new JsonArray(
          policy.symbols().suggest(text, max).stream().map(Listing::suggestionText).toList()));
    }
    Object q = body.getValue("q");
    if (q != null && !(q instanceof String)) {
      throw ProtocolException.badRequest("q", "q must be a string");
    }
    int limit = intField(body, "limit", DEFAULT_SEARCH_LIMIT, 1, MAX_SEARCH_LIMIT);
    JsonArray results = new JsonArray();
    policy.symbols().search((String) q, limit).forEach(l -> results.add(l.toJson()));
    return new JsonObject().put("results", results);
  }

  /** An optional integer field clamped to [min, max]; a non-integer is BAD_REQUEST. */
  private static int intField(JsonObject body, String field, int dflt, int min, int max) {
    Object v = body.getValue(field);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw ProtocolException.badRequest(field, field + " must be an integer");
    }
    return (int) Math.max(min, Math.min(max, n.longValue()));
  }

  /** Replies with the handler's result, or {@code {"error":..}}: protocol errors as they are, bugs as INTERNAL. */
  private static void answer(Message<Object> message, Function<JsonObject, JsonObject> handler) {
    JsonObject reply;
    try {
      Object body = message.body();
      if (body != null && !(body instanceof JsonObject)) {
        throw new ProtocolException(ErrorCode.BAD_REQUEST, "the request body must be a JSON object");
      }
      reply = handler.apply(body == null ? new JsonObject() : (JsonObject) body);
    } catch (ProtocolException e) {
      reply = new JsonObject().put("error", e.toJson());
    } catch (RuntimeException e) {
      log.error("{} failed on {}", message.address(), message.body(), e);
      reply = new JsonObject().put("error",
          new ProtocolException(ErrorCode.INTERNAL, "internal error").toJson());
    }
    message.reply(reply);
  }
}
