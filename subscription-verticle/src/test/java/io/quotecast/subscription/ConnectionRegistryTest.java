package io.quotecast.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.ErrorCode;
import io.quotecast.common.Freq;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.auth.Principal;
import io.quotecast.common.auth.Scopes;
import io.quotecast.common.auth.TierLimits;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConnectionRegistryTest {
  static final TierLimits FREE = new TierLimits("free", Freq.S1, 5, 6, 2);
  static final TierLimits PRO = new TierLimits("pro", Freq.REALTIME, 50, 100, 3);
  static final Set<String> SCOPES = Set.of(Scopes.QUOTE, Scopes.TRADE, Scopes.KLINE);

  private static Principal user(String id, String tier) {
    return new Principal(id, tier, SCOPES, false, 0);
  }

  private static Principal anonymous() {
    return Principal.anonymous("free", SCOPES);
  }

  private static List<ChannelKey> keys(String... channels) {
    return Arrays.stream(channels).map(ChannelKey::parse).toList();
  }

  private static JsonObject error(Runnable r) {
    ProtocolException e = assertThrows(ProtocolException.class, r::run);
    assertEquals(ErrorCode.LIMIT_EXCEEDED, e.code());
    return e.toJson();
  }

  @Test
  void checkNewConnectionAnswersLikeConnectButRegistersNothing() {
    ConnectionRegistry r = new ConnectionRegistry();
    r.checkNewConnection(user("u1", "free"), FREE);
    assertEquals(0, r.connectionCount(), "a check registers nothing");
    r.connect("c-1", user("u1", "free"), FREE);
    r.checkNewConnection(user("u1", "free"), FREE);
    r.connect("c-2", user("u1", "free"), FREE);
    JsonObject e = error(() -> r.checkNewConnection(user("u1", "free"), FREE));
    assertEquals("connectionsPerUser", e.getString("limit"), e.encode());
    assertEquals(2, e.getInteger("current"), e.encode());
    r.checkNewConnection(user("u2", "free"), FREE); // another user
    r.checkNewConnection(anonymous(), FREE); // anonymous connections are never pooled
    assertEquals(2, r.connectionCount());
  }

  @Test
  void connectIsIdempotentAndCountsConnectionsPerUser() {
    ConnectionRegistry r = new ConnectionRegistry();
    ConnectionRegistry.Connection c1 = r.connect("c-1", user("u1", "free"), FREE);
    assertSame(c1, r.connect("c-1", user("u1", "free"), FREE), "same connection, same user: nothing new");
    r.connect("c-2", user("u1", "free"), FREE);
    assertEquals(2, r.userLoad("c-1").connections());
    assertSame(r.userLoad("c-1"), r.userLoad("c-2"), "one user, one load");

    JsonObject e = error(() -> r.connect("c-3", user("u1", "free"), FREE));
    assertTrue(e.getString("message").contains("connections per user"), e.encode());
    e.remove("message");
    assertEquals(new JsonObject().put("code", "LIMIT_EXCEEDED").put("limit", "connectionsPerUser").put("max", 2)
        .put("current", 2).put("requested", 1), e);
    assertEquals("connectionsPerUser", e.getString("limit"));
    assertEquals(2, e.getInteger("max"));
    assertEquals(2, e.getInteger("current"));
    assertEquals(1, e.getInteger("requested"));
    assertNull(r.connection("c-3"), "nothing registered");
    assertEquals(2, r.connectionCount());

    // freed by a disconnect
    r.disconnect("c-1");
    r.connect("c-3", user("u1", "free"), FREE);
    assertEquals(2, r.userLoad("c-3").connections());
    assertEquals(1, r.userCount());
  }

  @Test
  void reserveReleaseAndDisconnectCountOnce() {
    ConnectionRegistry r = new ConnectionRegistry();
    r.connect("c-1", user("u1", "pro"), PRO);
    r.connect("c-2", user("u1", "pro"), PRO);
    assertEquals(2, r.reserve("c-1", keys("quote:600519.SH", "trade:600519.SH")).size());
    assertEquals(List.of(ChannelKey.parse("kline:1m:600519.SH")),
        r.reserve("c-1", keys("quote:600519.SH", "kline:1m:600519.SH")), "already counted ones are skipped");
    r.reserve("c-2", keys("quote:600519.SH"));
    assertEquals(4, r.userSubscriptions("c-1"));
    assertEquals(4, r.userSubscriptions("c-2"), "the user's total over both connections");
    assertEquals(Set.of("quote:600519.SH", "trade:600519.SH", "kline:1m:600519.SH"), r.connection("c-1").channels());

    // released in any case; unknown, uncounted and garbage entries are ignored
    assertEquals(List.of("quote:600519.SH"),
        r.release("c-1", Arrays.asList("quote:600519.sh", "quote:000001.SZ", "garbage", null)));
    assertEquals(List.of(), r.release("c-1", List.of("quote:600519.SH")), "idempotent");
    assertEquals(List.of(), r.release("c-9", List.of("quote:600519.SH")), "unknown connection");
    assertEquals(3, r.userSubscriptions("c-2"));

    // a disconnect releases what is still counted, and only that
    assertEquals(Set.of("trade:600519.SH", "kline:1m:600519.SH"), Set.copyOf(r.disconnect("c-1")));
    assertEquals(List.of(), r.disconnect("c-1"), "unknown ids are ignored");
    assertEquals(1, r.userSubscriptions("c-2"));
    assertEquals(1, r.subscriptionCount());
    r.disconnect("c-2");
    assertEquals(0, r.userCount());
    assertEquals(0, r.connectionCount());
    assertEquals(0, r.subscriptionCount());
    assertThrows(IllegalStateException.class, () -> r.reserve("c-2", keys("quote:600519.SH")));
  }

  @Test
  void anonymousConnectionsAreNotPooled() {
    ConnectionRegistry r = new ConnectionRegistry();
    for (int i = 0; i < 5; i++) { // FREE allows 2 connections per user
      r.connect("a-" + i, anonymous(), FREE);
      r.reserve("a-" + i, keys("quote:600519.SH", "trade:600519.SH"));
    }
    assertEquals(5, r.connectionCount());
    assertEquals(5, r.userCount(), "each anonymous connection is a user of its own");
    assertEquals(5, r.anonymousConnectionCount());
    assertEquals(1, r.userLoad("a-0").connections());
    assertEquals(2, r.userSubscriptions("a-0"), "its own subscriptions only");
    assertEquals(new JsonObject().put("connections", 5).put("users", 5).put("anonymousConnections", 5), r.toJson());
    r.disconnect("a-0");
    assertEquals(4, r.anonymousConnectionCount());
    // a real user called "anonymous" is not mixed up with anonymous connections
    r.connect("c-1", user("anonymous", "pro"), PRO);
    assertEquals(1, r.userLoad("c-1").connections());
    assertEquals(0, r.userSubscriptions("c-1"));
  }

  @Test
  void anAnonymousConnectionAuthenticatesAndMovesItsSubscriptions() {
    ConnectionRegistry r = new ConnectionRegistry();
    r.connect("a-1", anonymous(), FREE);
    r.reserve("a-1", keys("quote:600519.SH", "trade:600519.SH"));
    r.connect("c-2", user("u1", "pro"), PRO);
    r.reserve("c-2", keys("quote:000001.SZ"));

    ConnectionRegistry.Connection moved = r.connect("a-1", user("u1", "pro"), PRO);
    assertEquals("u1", moved.user().userId());
    assertEquals(PRO, moved.limits());
    assertEquals(Set.of("quote:600519.SH", "trade:600519.SH"), moved.channels(), "its subscriptions are kept");
    assertEquals(3, r.userSubscriptions("a-1"));
    assertEquals(2, r.userLoad("c-2").connections());
    assertEquals(1, r.userCount(), "the anonymous user is gone");
    assertEquals(0, r.anonymousConnectionCount());
    assertEquals(3, r.subscriptionCount());

    // a later release counts against the new user
    r.release("a-1", List.of("trade:600519.SH"));
    assertEquals(2, r.userSubscriptions("c-2"));
  }

  @Test
  void aMoveOverTheNewUsersLimitsChangesNothing() {
    ConnectionRegistry r = new ConnectionRegistry();
    // u1 (free: 2 connections, 6 subscriptions) already holds 5 subscriptions on one connection
    r.connect("c-1", user("u1", "free"), FREE);
    r.reserve("c-1", keys("quote:600519.SH", "quote:000001.SZ", "quote:300750.SZ", "trade:600519.SH",
        "trade:000001.SZ"));
    r.connect("a-1", anonymous(), FREE);
    r.reserve("a-1", keys("kline:1m:600519.SH", "kline:1d:600519.SH"));

    JsonObject e = error(() -> r.connect("a-1", user("u1", "free"), FREE));
    assertEquals("subscriptionsPerUser", e.getString("limit"));
    assertEquals(6, e.getInteger("max"));
    assertEquals(5, e.getInteger("current"));
    assertEquals(2, e.getInteger("requested"), "the subscriptions the connection would bring");
    // nothing changed
    assertTrue(r.connection("a-1").user().anonymous());
    assertEquals(FREE, r.connection("a-1").limits());
    assertEquals(2, r.userSubscriptions("a-1"));
    assertEquals(5, r.userSubscriptions("c-1"));
    assertEquals(1, r.userLoad("c-1").connections());
    assertEquals(2, r.userCount());
    assertEquals(1, r.anonymousConnectionCount());

    // connectionsPerUser on a move
    r.connect("c-2", user("u1", "free"), FREE);
    JsonObject c = error(() -> r.connect("a-1", user("u1", "free"), FREE));
    assertEquals("connectionsPerUser", c.getString("limit"));
    assertEquals(2, c.getInteger("current"));
    assertTrue(r.connection("a-1").user().anonymous());

    // after releasing one, the move fits exactly (5 + 1 <= 6)... once a connection is free
    r.disconnect("c-2");
    r.release("a-1", List.of("kline:1d:600519.SH"));
    r.connect("a-1", user("u1", "free"), FREE);
    assertEquals(6, r.userSubscriptions("c-1"));
    assertEquals(2, r.userLoad("c-1").connections());
  }

  @Test
  void theSameUserWithANewTierOrScopesOnlyUpdates() {
    ConnectionRegistry r = new ConnectionRegistry();
    r.connect("c-1", user("u1", "pro"), PRO);
    r.reserve("c-1", keys("quote:600519.SH", "quote:000001.SZ", "quote:300750.SZ", "trade:600519.SH",
        "trade:000001.SZ", "trade:300750.SZ", "kline:1m:600519.SH"));
    // downgraded to free (6 per user, 5 per connection): existing subscriptions are kept
    Principal downgraded = new Principal("u1", "free", Set.of(Scopes.QUOTE), false, 1_000);
    r.connect("c-1", downgraded, FREE);
    assertEquals(downgraded, r.connection("c-1").user());
    assertEquals(FREE, r.connection("c-1").limits());
    assertEquals(7, r.userSubscriptions("c-1"));
    assertEquals(1, r.userLoad("c-1").connections());
    assertEquals(1, r.connectionCount());
  }

  @Test
  void anAuthenticatedConnectionSwitchingUsers() {
    ConnectionRegistry r = new ConnectionRegistry();
    r.connect("c-1", user("u1", "pro"), PRO);
    r.reserve("c-1", keys("quote:600519.SH"));
    r.connect("c-1", user("u2", "pro"), PRO);
    assertEquals(1, r.userCount());
    assertEquals("u2", r.connection("c-1").user().userId());
    assertEquals(1, r.userSubscriptions("c-1"));
    // and back to anonymous (e.g. a logout): its own user again
    r.connect("c-1", anonymous(), FREE);
    assertEquals(1, r.anonymousConnectionCount());
    assertEquals(1, r.userSubscriptions("c-1"));
    assertEquals(1, r.userCount());
  }
}
