package io.quotecast.subscription;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.auth.Principal;
import io.quotecast.common.auth.TierLimits;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The connections of this node, who is on each, which channels are counted for each, and the per-user totals
 * ({@link UserLoad}) the per-user limits are checked against. Plain state, no Vert.x runtime; owned by one verticle (one
 * event loop), so it is not thread-safe.
 *
 * <p><b>Users.</b> A connection belongs to the user of its {@link Principal}. Authenticated principals with the same
 * {@code id} share one {@link UserLoad}: their connections and subscriptions add up against {@code connectionsPerUser}
 * and {@code subscriptionsPerUser}. <b>Anonymous principals ({@code anonymous: true}) are not pooled</b>: they all
 * carry the id {@code "anonymous"}, so pooling would make every anonymous client on the node one user and the first
 * few would lock out the rest. Each anonymous connection is therefore its own user: {@code connectionsPerUser} never
 * stops it (the node-wide {@code limits.connectionsPerNode} does), and {@code subscriptionsPerUser} applies to that
 * connection alone.
 *
 * <p><b>Counted channels.</b> The channels counted for a connection are the ones a check accepted as new
 * ({@link #reserve}), until they are released ({@link #release}) or the connection goes ({@link #disconnect}). This set
 * is authoritative for "already subscribed": a channel is counted at most once per connection, and releasing a channel
 * that is not counted does nothing, so a release followed by a disconnect never counts anything twice.
 *
 * <p><b>Changing user.</b> {@link #connect} for a registered connection with a different user (an anonymous connection
 * authenticates, or a token refresh names another subject) moves the connection and its counted channels to the new
 * user, if the new user's {@code connectionsPerUser} and {@code subscriptionsPerUser} allow; otherwise it fails and
 * nothing changes. The same user with a new tier or scopes only replaces the stored principal and limits: they apply to
 * later checks, channels already counted are kept even when they exceed the new limits.
 *
 * <p><b>Other nodes.</b> The per-user limits hold across the cluster: every check adds the user's totals on the other
 * nodes ({@link RemoteUsage}, as last read, see {@link ClusterUsage}) to the exact ones of this node. Anonymous
 * connections are never pooled, so nothing remote counts for them.
 */
public final class ConnectionRegistry {

  /** One user's totals on this node. */
  public static final class UserLoad {
    private int connections;
    private int subscriptions;

    public int connections() {
      return connections;
    }

    public int subscriptions() {
      return subscriptions;
    }

    @Override
    public String toString() {
      return "UserLoad[connections=" + connections + ", subscriptions=" + subscriptions + "]";
    }
  }

  /** A registered connection: its principal, the limits of its tier, and the channels counted for it. */
  public static final class Connection {
    private final String id;
    private Principal user;
    private TierLimits limits;
    private String userKey;
    private final Set<String> channels = new LinkedHashSet<>();

    private Connection(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    public Principal user() {
      return user;
    }

    public TierLimits limits() {
      return limits;
    }

    /** The canonical channel keys counted for this connection (a read-only view). */
    public Set<String> channels() {
      return Collections.unmodifiableSet(channels);
    }
  }

  /** An authenticated user's totals on the other nodes of the cluster, by user id. */
  public interface RemoteUsage {
    RemoteUsage NONE = new RemoteUsage() {
      @Override
      public int connections(String userId) {
        return 0;
      }

      @Override
      public int subscriptions(String userId) {
        return 0;
      }
    };

    int connections(String userId);

    int subscriptions(String userId);
  }

  private static final String USER_PREFIX = "u:";

  private final Map<String, Connection> connections = new HashMap<>();
  private final Map<String, UserLoad> users = new HashMap<>();
  private final RemoteUsage remote;
  private int anonymousConnections;

  /** A registry of a node alone (or whose per-user limits are per node). */
  public ConnectionRegistry() {
    this(RemoteUsage.NONE);
  }

  /** A registry whose per-user checks also count the user's totals on other nodes. */
  public ConnectionRegistry(RemoteUsage remote) {
    this.remote = remote;
  }

  /**
   * The key per-user limits are pooled under: the user id for authenticated principals, the connection itself for
   * anonymous ones (not pooled, see the class comment). The prefixes keep the two apart.
   */
  static String userKey(String connectionId, Principal user) {
    return user.anonymous() ? "a:" + connectionId : USER_PREFIX + user.userId();
  }

  private int remoteConnections(Principal user) {
    return user.anonymous() ? 0 : remote.connections(user.userId());
  }

  private int remoteSubscriptions(Principal user) {
    return user.anonymous() ? 0 : remote.subscriptions(user.userId());
  }

  /**
   * Registers a connection as {@code user} with the limits of its tier, or updates/moves it when already registered
   * (see the class comment). Idempotent.
   *
   * @throws ProtocolException LIMIT_EXCEEDED ({@code limit} {@code connectionsPerUser} or {@code subscriptionsPerUser},
   *     with {@code max}, {@code current}, {@code requested}); nothing changes then
   */
  public Connection connect(String connectionId, Principal user, TierLimits limits) {
    String key = userKey(connectionId, user);
    Connection conn = connections.get(connectionId);
    if (conn != null && conn.userKey.equals(key)) {
      setUser(conn, user, limits, key);
      return conn;
    }
    UserLoad target = users.get(key);
    checkConnections(user, limits, target);
    if (conn != null) {
      int carried = conn.channels.size();
      int currentSubscriptions = (target == null ? 0 : target.subscriptions) + remoteSubscriptions(user);
      if (carried > 0 && currentSubscriptions + carried > limits.subscriptionsPerUser()) {
        throw SubscriptionPolicy.limitExceeded("subscriptionsPerUser", limits.subscriptionsPerUser(), currentSubscriptions, carried,
            "at most " + limits.subscriptionsPerUser() + " subscriptions per user: " + currentSubscriptions
                + " subscribed, this connection holds " + carried);
      }
      // move: out of the old user's totals, into the new one's
      leaveUser(conn);
    } else {
      conn = new Connection(connectionId);
      connections.put(connectionId, conn);
    }
    setUser(conn, user, limits, key);
    UserLoad load = users.computeIfAbsent(key, k -> new UserLoad());
    load.connections++;
    load.subscriptions += conn.channels.size();
    return conn;
  }

  /**
   * Whether {@code user} may open one more connection, without registering anything (the gateway asks before the
   * WebSocket upgrade, so a user at the limit is refused with 429 instead of an upgrade and a close).
   *
   * @throws ProtocolException LIMIT_EXCEEDED {@code connectionsPerUser}, as {@link #connect} would
   */
  public void checkNewConnection(Principal user, TierLimits limits) {
    if (!user.anonymous()) {
      checkConnections(user, limits, users.get(userKey(null, user)));
    }
  }

  private void checkConnections(Principal user, TierLimits limits, UserLoad target) {
    int currentConnections = (target == null ? 0 : target.connections) + remoteConnections(user);
    if (currentConnections + 1 > limits.connectionsPerUser()) {
      throw SubscriptionPolicy.limitExceeded("connectionsPerUser", limits.connectionsPerUser(), currentConnections, 1,
          "at most " + limits.connectionsPerUser() + " connections per user: " + currentConnections + " open");
    }
  }

  /** The registered connection, or null. */
  public Connection connection(String connectionId) {
    return connectionId == null ? null : connections.get(connectionId);
  }

  /** The totals of the connection's user (shared with the user's other connections unless anonymous), or null. */
  public UserLoad userLoad(String connectionId) {
    Connection conn = connection(connectionId);
    return conn == null ? null : users.get(conn.userKey);
  }

  /**
   * The subscriptions counted for the connection's user: exactly on this node, plus on the other nodes as last read;
   * 0 for an unknown connection.
   */
  public int userSubscriptions(String connectionId) {
    Connection conn = connection(connectionId);
    if (conn == null) {
      return 0;
    }
    UserLoad load = users.get(conn.userKey);
    return (load == null ? 0 : load.subscriptions) + remoteSubscriptions(conn.user);
  }

  /**
   * Authenticated users with a connection here: user id -> totals on this node (a read-only view). Anonymous
   * connections are not users of their own here (they are never pooled, so other nodes need not know them).
   */
  public Map<String, UserLoad> authenticatedUsers() {
    Map<String, UserLoad> out = new HashMap<>();
    for (Map.Entry<String, UserLoad> e : users.entrySet()) {
      if (e.getKey().startsWith(USER_PREFIX)) {
        out.put(e.getKey().substring(USER_PREFIX.length()), e.getValue());
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Counts newly accepted channels for a registered connection and its user. Channels already counted are skipped.
   *
   * @return the channels actually counted now
   * @throws IllegalStateException when the connection is not registered
   */
  public List<ChannelKey> reserve(String connectionId, Iterable<ChannelKey> channels) {
    Connection conn = connection(connectionId);
    if (conn == null) {
      throw new IllegalStateException("connection " + connectionId + " is not registered");
    }
    UserLoad load = users.get(conn.userKey);
    List<ChannelKey> counted = new ArrayList<>();
    for (ChannelKey ch : channels) {
      if (conn.channels.add(ch.toString())) {
        load.subscriptions++;
        counted.add(ch);
      }
    }
    return counted;
  }

  /**
   * Stops counting channels (any case, as the gateway sends them) for a connection and its user. Channels not counted
   * for the connection, unknown connections and unparsable entries are ignored.
   *
   * @return the canonical keys actually released (for the statistics)
   */
  public List<String> release(String connectionId, Iterable<?> channels) {
    Connection conn = connection(connectionId);
    List<String> released = new ArrayList<>();
    if (conn == null) {
      return released;
    }
    UserLoad load = users.get(conn.userKey);
    for (Object o : channels) {
      if (o == null) {
        continue;
      }
      String ch = canonical(o.toString());
      if (ch != null && conn.channels.remove(ch)) {
        load.subscriptions--;
        released.add(ch);
      }
    }
    return released;
  }

  /**
   * Forgets a connection and releases everything still counted for it. Unknown ids are ignored.
   *
   * @return the canonical keys released (for the statistics); empty for an unknown connection
   */
  public List<String> disconnect(String connectionId) {
    Connection conn = connection(connectionId);
    if (conn == null) {
      return List.of();
    }
    connections.remove(connectionId);
    leaveUser(conn);
    if (conn.user.anonymous()) {
      anonymousConnections--;
    }
    List<String> released = new ArrayList<>(conn.channels);
    conn.channels.clear();
    return released;
  }

  public int connectionCount() {
    return connections.size();
  }

  /** Distinct users with a connection here; every anonymous connection is a user of its own. */
  public int userCount() {
    return users.size();
  }

  public int anonymousConnectionCount() {
    return anonymousConnections;
  }

  /** Subscriptions counted over all connections. */
  public long subscriptionCount() {
    long n = 0;
    for (UserLoad load : users.values()) {
      n += load.subscriptions;
    }
    return n;
  }

  /** {@code {"connections":n,"users":n,"anonymousConnections":n}} for the stats reply. */
  public JsonObject toJson() {
    return new JsonObject().put("connections", connections.size()).put("users", users.size())
        .put("anonymousConnections", anonymousConnections);
  }

  private void setUser(Connection conn, Principal user, TierLimits limits, String key) {
    boolean wasAnonymous = conn.user != null && conn.user.anonymous();
    if (wasAnonymous != user.anonymous()) {
      anonymousConnections += user.anonymous() ? 1 : -1;
    }
    conn.user = user;
    conn.limits = limits;
    conn.userKey = key;
  }

  private void leaveUser(Connection conn) {
    UserLoad load = users.get(conn.userKey);
    load.connections--;
    load.subscriptions -= conn.channels.size();
    if (load.connections == 0) {
      users.remove(conn.userKey);
    }
  }

  private static String canonical(String ch) {
    try {
      return ChannelKey.parse(ch).toString();
    } catch (ProtocolException e) {
      return null;
    }
  }
}
