package io.quotecast.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.ConfigLoader;
import io.quotecast.common.ErrorCode;
import io.quotecast.common.Freq;
import io.quotecast.common.ListingLoader;
import io.quotecast.common.MessageTypes;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.Settings;
import io.quotecast.common.SymbolDirectory;
import io.quotecast.common.auth.Principal;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One gateway instance applying the node's overload level to its sessions (fake transports, one event loop): free
 * subscriptions slowed with a {@code degraded} notice and given back their own freq with another; refusals by tier;
 * shedding lowest tier first at the node's pace, each with an {@code overloaded} notice before close 1013.
 */
class OverloadGuardTest {
  private static final ChannelKey QUOTE = ChannelKey.quote("600519.SH");
  private static final ChannelKey TRADE = ChannelKey.trade("600519.SH");

  private Vertx vertx;
  private Context ctx;
  private Gateway gw;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    ctx = vertx.getOrCreateContext();
    JsonObject config = ConfigLoader.load(vertx, null).toCompletionStage().toCompletableFuture().get(10,
        TimeUnit.SECONDS);
    gw = on(() -> {
      Gateway g = new Gateway(vertx, new Settings(config), SymbolDirectory.of(ListingLoader.loadShipped()));
      g.feeds.snapshots = new FakeSnapshots();
      return g;
    });
  }

  @AfterEach
  void tearDown() throws Exception {
    on(() -> {
      gw.feeds.stop();
      return null;
    });
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Runs {@code work} on the sessions' event loop and returns its result. */
  private <T> T on(Callable<T> work) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    ctx.runOnContext(v -> {
      try {
        done.complete(work.call());
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    });
    return done.get(10, TimeUnit.SECONDS);
  }

  private static Principal user(String id, String tier) {
    return new Principal(id, tier, Set.of("md:quote", "md:trade"), false, 0);
  }

  /** A welcomed session of a user of {@code tier} (as a connection is once its token is verified). */
  private Session session(FakeTransport t, String tier) {
    Session s = new Session(gw, t, "test", 0);
    gw.sessions.add(s);
    s.open(null, null); // welcome now; the user is set below, as a token would
    s.principal = user("u-" + tier, tier);
    s.tier = gw.tiers.get(tier);
    t.written.clear();
    return s;
  }

  private Subscription subscribe(Session s, ChannelKey key, Freq freq) {
    Subscription sub = new Subscription(s, key, freq, 0);
    sub.freq = s.deliveryFreq(sub, freq);
    s.subscriptions.put(key.toString(), sub);
    gw.feeds.reserve(key).join(sub, false, 0);
    return sub;
  }

  private static JsonObject level(int level, int shedPerSecond, long restoreSpreadMs) {
    return new JsonObject().put("level", level).put("degradedFreq", "5s").put("shedPerSecond", shedPerSecond)
        .put("retryAfterMs", 2000).put("restoreSpreadMs", restoreSpreadMs);
  }

  private static List<JsonObject> notices(FakeTransport t) {
    return t.ofType(MessageTypes.NOTICE).stream().map(n -> n.getJsonObject("data")).toList();
  }

  @Test
  void freeSubscriptionsAreSlowedWithANoticeAndGetTheirOwnFreqBack() throws Exception {
    FakeTransport freeT = new FakeTransport();
    FakeTransport proT = new FakeTransport();
    on(() -> {
      Session free = session(freeT, "free");
      Session pro = session(proT, "pro");
      Subscription quote = subscribe(free, QUOTE, Freq.S1);
      Subscription trade = subscribe(free, TRADE, Freq.S10);
      Subscription proQuote = subscribe(pro, QUOTE, Freq.REALTIME);

      gw.overload.onLevel(level(1, 10, 0));
      assertSame(Freq.S5, quote.freq, "slowed to overload.degradedFreq");
      assertEquals(Freq.S5, quote.group.freq, "and delivered by the 5 s conflation group");
      assertSame(Freq.S10, trade.freq, "already slower: unchanged");
      assertSame(Freq.REALTIME, proQuote.freq, "pro is never slowed");
      assertEquals(1, free.degradedSubscriptions());
      JsonObject notice = notices(freeT).get(0);
      assertEquals("degraded", notice.getString("event"));
      assertEquals(true, notice.getBoolean("active"));
      assertEquals("5s", notice.getString("minFreq"));
      assertEquals(new JsonArray().add(new JsonObject().put("ch", QUOTE.toString()).put("freq", "5s")),
          notice.getJsonArray("updated"));
      assertTrue(notices(proT).isEmpty(), "pro is not told anything");
      assertEquals(1, OverloadTally.of(vertx).degradedSubscriptions(System.currentTimeMillis(), 60_000),
          "the instance reports its slowed subscriptions for the node's gauge");

      // while degraded: a new subscription is slowed too, an update remembers the new own freq
      Subscription kline = subscribe(free, ChannelKey.parse("kline:1m:600519.SH"), Freq.S1);
      assertSame(Freq.S5, kline.freq);
      gw.overload.onLevel(level(2, 10, 0));
      gw.overload.onLevel(level(1, 10, 0));
      assertEquals(1, notices(freeT).size(), "the same degradation is announced once");

      gw.overload.onLevel(level(0, 10, 0));
      assertSame(Freq.S1, quote.freq, "its own freq back");
      assertSame(Freq.S1, kline.freq);
      assertSame(Freq.S10, trade.freq);
      assertEquals(0, free.degradedSubscriptions());
      JsonObject ended = notices(freeT).get(1);
      assertEquals("degraded", ended.getString("event"));
      assertEquals(false, ended.getBoolean("active"));
      assertEquals(2, ended.getJsonArray("updated").size(), ended::encode);
      assertTrue(ended.getString("message").contains("own freq"), ended::encode);
      return null;
    });
  }

  @Test
  void theEndOfADegradationIsSpreadAndCancelledIfTheLoadComesBack() throws Exception {
    FakeTransport t = new FakeTransport();
    Subscription quote = on(() -> {
      Session free = session(t, "free");
      Subscription sub = subscribe(free, QUOTE, Freq.S1);
      gw.overload.onLevel(level(1, 10, 0));
      gw.overload.onLevel(level(0, 10, 60_000)); // restorations spread over a minute...
      gw.overload.onLevel(level(1, 10, 0)); // ...cancelled by the next degradation
      return sub;
    });
    Thread.sleep(200);
    on(() -> {
      assertSame(Freq.S5, quote.freq, "still slowed");
      assertEquals(1, notices(t).size(), "no restore was announced");
      gw.overload.onLevel(level(0, 10, 100));
      return null;
    });
    long deadline = System.currentTimeMillis() + 5000;
    while (on(() -> quote.freq) != Freq.S1 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertSame(Freq.S1, on(() -> quote.freq), "restored within the spread");
  }

  @Test
  void refusalsFollowTheTiersOfTheLevel() throws Exception {
    on(() -> {
      assertNull(gw.overload.refusal(user("a", "free")), "level 0 refuses nobody");
      gw.overload.onLevel(level(2, 10, 0));
      ProtocolException refused = gw.overload.refusal(user("a", "free"));
      assertEquals(ErrorCode.UNAVAILABLE, refused.code());
      assertEquals(2000L, refused.extra().getLong("retryAfterMs"));
      assertEquals(new JsonArray(), refused.extra().getJsonArray("endpoints"), "a lone node has no alternative");
      assertEquals("refuse_free", refused.extra().getString("overload"));
      assertEquals("free", refused.extra().getString("tier"));
      assertEquals("overloaded", gw.overload.closeReason(refused));
      assertNull(gw.overload.refusal(user("b", "standard")));
      gw.overload.onLevel(level(4, 10, 0));
      assertTrue(gw.overload.refusal(user("b", "standard")) != null);
      assertNull(gw.overload.refusal(user("c", "pro")));
      gw.overload.onLevel(level(5, 10, 0));
      assertTrue(gw.overload.refusal(user("c", "pro")) != null);
      JsonObject refusedCounts = OverloadTally.of(vertx).refusedJson();
      assertEquals(new JsonObject().put("free", 1L).put("standard", 1L).put("pro", 1L), refusedCounts);
      return null;
    });
  }

  @Test
  void sheddingTakesTheLowestTierFirstAtTheNodesPace() throws Exception {
    FakeTransport free1 = new FakeTransport();
    FakeTransport free2 = new FakeTransport();
    FakeTransport standard = new FakeTransport();
    FakeTransport pro = new FakeTransport();
    on(() -> {
      session(free1, "free");
      session(standard, "standard");
      session(free2, "free");
      session(pro, "pro");
      gw.overload.onLevel(level(3, 2, 0)); // level 3: free only; 2 a second = one per 500 ms
      return null;
    });
    long deadline = System.currentTimeMillis() + 5000;
    while (on(() -> free1.closedWith == null || free2.closedWith == null) && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    on(() -> {
      assertEquals(MessageTypes.CLOSE_OVERLOADED, free1.closedWith);
      assertEquals(MessageTypes.CLOSE_OVERLOADED, free2.closedWith);
      assertNull(standard.closedWith, "level 3 sheds free only");
      JsonObject notice = notices(free1).get(notices(free1).size() - 1);
      assertEquals("overloaded", notice.getString("event"));
      long after = notice.getLong("reconnectAfterMs");
      assertTrue(after >= 0 && after <= 2000, "within the retry time: " + after);
      assertEquals(new JsonArray(), notice.getJsonArray("endpoints"));
      gw.overload.onLevel(level(5, 2, 0));
      return null;
    });
    // Both tiers are shed at level 5, one connection per 500 ms: seen together, standard is gone and pro not yet.
    deadline = System.currentTimeMillis() + 5000;
    Short[] seen = {null, null};
    while (seen[0] == null && System.currentTimeMillis() < deadline) {
      Short[] now = on(() -> new Short[] {standard.closedWith, pro.closedWith});
      seen[0] = now[0];
      seen[1] = now[1];
      Thread.sleep(10);
    }
    assertEquals(MessageTypes.CLOSE_OVERLOADED, seen[0]);
    assertNull(seen[1], "standard goes before pro");
    deadline = System.currentTimeMillis() + 5000;
    while (on(() -> pro.closedWith == null) && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    on(() -> {
      assertEquals(MessageTypes.CLOSE_OVERLOADED, pro.closedWith);
      assertEquals(new JsonObject().put("free", 2L).put("standard", 1L).put("pro", 1L),
          OverloadTally.of(vertx).shedJson());
      gw.overload.onLevel(level(0, 10, 0));
      return null;
    });
  }
}
