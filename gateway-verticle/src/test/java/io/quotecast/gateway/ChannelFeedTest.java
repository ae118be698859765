package io.quotecast.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.ConfigLoader;
import io.quotecast.common.Freq;
import io.quotecast.common.KlineInterval;
import io.quotecast.common.ListingLoader;
import io.quotecast.common.MessageTypes;
import io.quotecast.common.Publication;
import io.quotecast.common.Settings;
import io.quotecast.common.SymbolDirectory;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fan-out, conflation and hand-over of {@link ChannelFeed} and {@link ConflationGroup}, driven directly (no sockets,
 * no timers: groups are flushed by hand).
 */
class ChannelFeedTest {
  private static final ChannelKey QUOTE = ChannelKey.quote("600519.SH");
  private static final ChannelKey TRADE = ChannelKey.trade("600519.SH");
  private static final ChannelKey KLINE = ChannelKey.kline(KlineInterval.M1, "600519.SH");

  private Vertx vertx;
  private Gateway gw;
  private final FakeSnapshots owner = new FakeSnapshots();

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    JsonObject config = ConfigLoader.load(vertx, null).toCompletionStage().toCompletableFuture().get(10,
        TimeUnit.SECONDS);
    gw = new Gateway(vertx, new Settings(config), SymbolDirectory.of(ListingLoader.loadShipped()));
    gw.feeds.snapshots = owner;
  }

  @AfterEach
  void tearDown() throws Exception {
    gw.feeds.stop();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private Session session(FakeTransport transport) {
    Session s = new Session(gw, transport, "test", 0);
    s.open(null, null); // unauthenticated: the welcome is written at once and delivery does not look at the user
    transport.written.clear(); // drop the welcome
    return s;
  }

  private static Publication quote(long seq) {
    return new Publication(QUOTE.toString(), seq, "e1", 1000 + seq, "{\"symbol\":\"600519.SH\",\"n\":" + seq + "}");
  }

  private static Publication trade(long seq) {
    return new Publication(TRADE.toString(), seq, "e1", 1000 + seq, "{\"tradeId\":" + seq + "}");
  }

  private static Publication bar(long seq, boolean closed) {
    return new Publication(KLINE.toString(), seq, "e1", 1000 + seq,
        "{\"openTime\":" + (closed ? 0 : 60000) + ",\"n\":" + seq + ",\"closed\":" + closed + "}");
  }

  /** A trade feed whose owner already published trade 0, so the trades a test publishes are not the stream's first. */
  private ChannelFeed tradeFeed() {
    owner.state.put(TRADE.toString(), trade(0));
    return new ChannelFeed(TRADE, gw.feeds);
  }

  private Subscription join(Session s, ChannelFeed feed, Freq freq) {
    Subscription sub = new Subscription(s, feed.key, freq, 0);
    s.subscriptions.put(feed.key.toString(), sub);
    assertTrue(feed.snapshot().isComplete(), "the owner answers at once here");
    feed.join(sub, true, 0);
    return sub;
  }

  @Test
  void realtimeSubscribersShareOneEncodingAndSeeEveryPublicationOnce() {
    ChannelFeed feed = new ChannelFeed(QUOTE, gw.feeds);
    FakeTransport a = new FakeTransport();
    FakeTransport b = new FakeTransport();
    join(session(a), feed, Freq.REALTIME);
    join(session(b), feed, Freq.REALTIME);
    for (long seq = 1; seq <= 3; seq++) {
      feed.publish(quote(seq));
    }
    feed.publish(quote(2)); // a late duplicate is dropped once, for everyone
    assertEquals(3, a.written.size());
    assertEquals(3, b.written.size());
    for (int i = 0; i < 3; i++) {
      assertSame(a.written.get(i), b.written.get(i), "one encoding per publication, shared by all subscribers");
      assertSame(a.written.get(i).utf8(), b.written.get(i).utf8());
    }
    List<JsonObject> msgs = a.json();
    assertEquals(List.of(1L, 2L, 3L), msgs.stream().map(m -> m.getLong("seq")).toList());
    assertEquals("quote", msgs.get(0).getString("type"));
    assertEquals("quote:600519.SH", msgs.get(0).getString("ch"));
    assertEquals(2L, msgs.get(1).getJsonObject("data").getLong("n"));
  }

  @Test
  void joinSendsTheSnapshotFirstAndOnlyNewerPublicationsAfter() {
    ChannelFeed feed = new ChannelFeed(QUOTE, gw.feeds);
    feed.publish(quote(7));
    FakeTransport t = new FakeTransport();
    join(session(t), feed, Freq.REALTIME);
    feed.publish(quote(7));
    feed.publish(quote(8));
    List<JsonObject> msgs = t.json();
    assertEquals(2, msgs.size());
    JsonObject snap = msgs.get(0);
    assertEquals(7L, snap.getLong("seq"));
    assertTrue(snap.getJsonObject("meta").getBoolean("snapshot"));
    assertEquals("e1", snap.getJsonObject("meta").getString("epoch"));
    assertEquals(8L, msgs.get(1).getLong("seq"));
    assertNull(msgs.get(1).getJsonObject("meta"));
  }

  @Test
  void aJoinWhileTheBusLagsTheCacheCostsExistingSubscribersNothing() {
    ChannelFeed feed = new ChannelFeed(QUOTE, gw.feeds);
    FakeTransport early = new FakeTransport();
    join(session(early), feed, Freq.REALTIME);
    feed.publish(quote(5));
    owner.state.put(QUOTE.toString(), quote(8)); // the owner is ahead of this loop's bus queue
    FakeTransport late = new FakeTransport();
    join(session(late), feed, Freq.REALTIME);
    for (long seq = 6; seq <= 9; seq++) {
      feed.publish(quote(seq));
    }
    assertEquals(List.of(5L, 6L, 7L, 8L, 9L), early.json().stream().map(m -> m.getLong("seq")).toList());
    assertEquals(List.of(5L, 6L, 7L, 8L, 9L), late.json().stream().map(m -> m.getLong("seq")).toList(),
        "the late joiner continues from the feed's own state");
  }

  @Test
  void aNewFeedStartsFromTheSnapshotCache() {
    owner.state.put(QUOTE.toString(), quote(8));
    ChannelFeed feed = new ChannelFeed(QUOTE, gw.feeds);
    FakeTransport t = new FakeTransport();
    join(session(t), feed, Freq.REALTIME);
    feed.publish(quote(7)); // still queued on the bus when the cache was read: already covered
    feed.publish(quote(9));
    assertEquals(List.of(8L, 9L), t.json().stream().map(m -> m.getLong("seq")).toList());
  }

  @Test
  void aClosedSocketIsSkippedWithoutStoppingTheFanOut() {
    ChannelFeed feed = new ChannelFeed(QUOTE, gw.feeds);
    FakeTransport gone = new FakeTransport();
    FakeTransport alive = new FakeTransport();
    join(session(gone), feed, Freq.REALTIME);
    join(session(alive), feed, Freq.REALTIME);
    gone.closedWith = 1006;
    feed.publish(quote(1));
    assertEquals(0, gone.written.size());
    assertEquals(1, alive.written.size());
  }

  @Test
  void stateGroupSendsTheLatestOncePerTickAndCountsConflation() {
    ChannelFeed feed = new ChannelFeed(QUOTE, gw.feeds);
    FakeTransport t = new FakeTransport();
    Subscription sub = join(session(t), feed, Freq.S1);
    for (long seq = 1; seq <= 5; seq++) {
      feed.publish(quote(seq));
    }
    assertTrue(t.written.isEmpty(), "nothing before the tick");
    sub.group.flush(10_000);
    assertEquals(1, t.written.size());
    assertEquals(5L, t.json().get(0).getLong("seq"));
    assertEquals(4, sub.conflated);
    sub.group.flush(11_000);
    assertEquals(1, t.written.size(), "nothing new, nothing sent");
  }

  @Test
  void klineGroupSendsEveryClosedBarThenTheLatest() {
    ChannelFeed feed = new ChannelFeed(KLINE, gw.feeds);
    FakeTransport t = new FakeTransport();
    Subscription sub = join(session(t), feed, Freq.S5);
    feed.publish(bar(1, false));
    feed.publish(bar(2, false));
    feed.publish(bar(3, true));
    feed.publish(bar(4, false));
    feed.publish(bar(5, false));
    sub.group.flush(10_000);
    List<JsonObject> msgs = t.json();
    assertEquals(List.of(3L, 5L), msgs.stream().map(m -> m.getLong("seq")).toList());
    assertTrue(msgs.get(0).getJsonObject("data").getBoolean("closed"));
    assertEquals(3, sub.conflated);
  }

  @Test
  void tradeGroupSendsAllTradesOfThePeriodAsOneArray() {
    ChannelFeed feed = tradeFeed();
    FakeTransport t = new FakeTransport();
    Subscription sub = join(session(t), feed, Freq.S1);
    for (long seq = 1; seq <= 4; seq++) {
      feed.publish(trade(seq));
    }
    sub.group.flush(10_000);
    assertEquals(2, t.json().size(), "the snapshot (trade 0), then one array");
    JsonObject msg = t.json().get(1);
    assertEquals("trade", msg.getString("type"));
    assertEquals(4L, msg.getLong("seq"));
    assertEquals(1L, msg.getJsonObject("meta").getLong("fromSeq"));
    JsonArray data = msg.getJsonArray("data");
    assertEquals(4, data.size());
    assertEquals(1L, data.getJsonObject(0).getLong("tradeId"));
    assertEquals(0, sub.conflated, "trades are never conflated");
  }

  @Test
  void changingFreqHandsOverPendingTradesSoNothingIsLost() {
    ChannelFeed feed = tradeFeed();
    FakeTransport t = new FakeTransport();
    Session s = session(t);
    Subscription sub = join(s, feed, Freq.REALTIME);
    feed.publish(trade(1));
    feed.changeFreq(sub, Freq.S1, 0);
    feed.publish(trade(2));
    feed.publish(trade(3));
    feed.changeFreq(sub, Freq.REALTIME, 0); // before the tick: 2 and 3 must come now
    feed.publish(trade(4));
    List<Long> seqs = new java.util.ArrayList<>();
    for (JsonObject m : t.json()) {
      Object data = m.getValue("data");
      if (data instanceof JsonArray arr) {
        arr.forEach(o -> seqs.add(((JsonObject) o).getLong("tradeId")));
      } else {
        seqs.add(((JsonObject) data).getLong("tradeId"));
      }
    }
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L), seqs);
    assertTrue(feed.groups.isEmpty(), "the emptied group is dropped");
  }

  @Test
  void aSubscriberJoiningMidPeriodGetsOnlyTradesAfterItsSnapshot() {
    ChannelFeed feed = tradeFeed();
    FakeTransport early = new FakeTransport();
    Subscription first = join(session(early), feed, Freq.S1);
    feed.publish(trade(1));
    feed.publish(trade(2));
    FakeTransport late = new FakeTransport();
    join(session(late), feed, Freq.S1); // snapshot = trade 2
    feed.publish(trade(3));
    first.group.flush(10_000);
    assertEquals(3, early.json().get(1).getJsonArray("data").size(), "after its snapshot (trade 0)");
    List<JsonObject> lateMsgs = late.json();
    assertEquals(2L, lateMsgs.get(0).getLong("seq"));
    JsonArray lateData = lateMsgs.get(1).getJsonArray("data");
    assertEquals(1, lateData.size());
    assertEquals(3L, lateData.getJsonObject(0).getLong("tradeId"));
  }

  @Test
  void aFullSendQueueConflatesStateButClosesOnTrades() {
    ChannelFeed quotes = new ChannelFeed(QUOTE, gw.feeds);
    FakeTransport t = new FakeTransport();
    Session s = session(t);
    Subscription sub = join(s, quotes, Freq.REALTIME);
    t.full = true;
    quotes.publish(quote(1));
    assertEquals(0, t.written.size());
    assertEquals(1, sub.conflated);
    assertNull(t.closedWith);

    ChannelFeed trades = new ChannelFeed(TRADE, gw.feeds);
    join(s, trades, Freq.REALTIME);
    trades.publish(trade(1));
    assertEquals(MessageTypes.CLOSE_SLOW_CONSUMER, t.closedWith);
    assertTrue(s.isClosed());
  }

  @Test
  void leavingTheLastSubscriberEmptiesTheFeed() {
    ChannelFeed feed = new ChannelFeed(QUOTE, gw.feeds);
    FakeTransport t = new FakeTransport();
    Subscription a = join(session(t), feed, Freq.REALTIME);
    Subscription b = join(session(new FakeTransport()), feed, Freq.S1);
    assertEquals(2, feed.size());
    feed.leave(a);
    feed.leave(b);
    assertEquals(0, feed.size());
    assertTrue(feed.realtime.isEmpty());
    assertFalse(feed.groups.containsKey(Freq.S1));
  }

  @Test
  void aFreshFeedWaitingForTheOwnerTakesTheNewerOfAnswerAndBusAndNeverStepsBack() {
    owner.hold = true;
    ChannelFeed feed = new ChannelFeed(QUOTE, gw.feeds);
    var first = feed.snapshot();
    var second = feed.snapshot(); // a second subscriber joining meanwhile shares the request
    assertEquals(1, owner.asked);
    feed.publish(quote(5)); // the bus delivers while the owner's answer travels
    feed.publish(quote(6));
    owner.state.put(QUOTE.toString(), quote(4)); // the owner answered before publishing 5: older than the bus
    owner.answer();
    assertTrue(first.isComplete() && second.isComplete());
    assertEquals(6L, first.result().seq(), "an older answer does not set the feed back");
    FakeTransport t = new FakeTransport();
    join(session(t), feed, Freq.REALTIME);
    feed.publish(quote(7));
    assertEquals(List.of(6L, 7L), t.json().stream().map(m -> m.getLong("seq")).toList());

    ChannelFeed other = new ChannelFeed(TRADE, gw.feeds);
    other.snapshot();
    other.publish(trade(5));
    owner.state.put(TRADE.toString(), trade(8)); // the owner is ahead of this loop's bus queue
    owner.answer();
    owner.hold = false;
    FakeTransport u = new FakeTransport();
    join(session(u), other, Freq.REALTIME);
    other.publish(trade(7)); // covered by the answer
    other.publish(trade(9));
    assertEquals(List.of(8L, 9L), u.json().stream().map(m -> m.getLong("seq")).toList());
  }

  @Test
  void aTradeChannelsFirstTradeNamesItsEpochForEveryFreq() {
    ChannelFeed feed = new ChannelFeed(TRADE, gw.feeds); // the owner has no trade yet (e.g. before the open)
    FakeTransport live = new FakeTransport();
    FakeTransport paced = new FakeTransport();
    join(session(live), feed, Freq.REALTIME);
    Subscription conflated = join(session(paced), feed, Freq.S1);
    assertTrue(live.json().isEmpty(), "nothing to snapshot yet");
    feed.publish(trade(1));
    feed.publish(trade(2));
    JsonObject first = live.json().get(0);
    assertEquals(new JsonObject().put("snapshot", true).put("epoch", "e1"), first.getJsonObject("meta"),
        "a client needs the epoch for since before it can resume");
    assertNull(live.json().get(1).getJsonObject("meta"));
    assertEquals(new JsonObject().put("snapshot", true).put("epoch", "e1"), paced.json().get(0).getJsonObject("meta"));
    conflated.group.flush(10_000);
    assertEquals(2L, paced.json().get(1).getLong("seq"), "then the period's trades");
  }

  @Test
  void withoutAnOwnerTheFeedStartsEmptyAndItsFirstPublicationIsASnapshot() {
    owner.unavailable = true;
    ChannelFeed feed = new ChannelFeed(QUOTE, gw.feeds);
    FakeTransport t = new FakeTransport();
    join(session(t), feed, Freq.REALTIME);
    assertTrue(t.written.isEmpty(), "nothing to send yet");
    feed.publish(quote(3)); // the new owner's first publication
    feed.publish(quote(4));
    List<JsonObject> msgs = t.json();
    assertEquals(List.of(3L, 4L), msgs.stream().map(m -> m.getLong("seq")).toList());
    assertTrue(msgs.get(0).getJsonObject("meta").getBoolean("snapshot"));
    assertEquals("e1", msgs.get(0).getJsonObject("meta").getString("epoch"));
    assertNull(msgs.get(1).getJsonObject("meta"));
  }

  @Test
  void anEpochChangeReachesEverySubscriberAtOnceAsASnapshot() {
    ChannelFeed quotes = new ChannelFeed(QUOTE, gw.feeds);
    FakeTransport live = new FakeTransport();
    FakeTransport slow = new FakeTransport();
    join(session(live), quotes, Freq.REALTIME);
    Subscription conflated = join(session(slow), quotes, Freq.S5);
    quotes.publish(quote(41));
    quotes.publish(quote(42));
    Publication failover = new Publication(QUOTE.toString(), 42, "e2", 2000, "{\"n\":\"new\"}");
    quotes.publish(failover); // the new owner continues from the last snapshot, in a new epoch
    quotes.publish(new Publication(QUOTE.toString(), 43, "e2", 2001, "{\"n\":43}"));

    List<JsonObject> rt = live.json();
    assertEquals(List.of(41L, 42L, 42L, 43L), rt.stream().map(m -> m.getLong("seq")).toList());
    assertEquals(new JsonObject().put("snapshot", true).put("epoch", "e2"), rt.get(2).getJsonObject("meta"));
    assertNull(rt.get(3).getJsonObject("meta"));

    List<JsonObject> cf = slow.json();
    assertEquals(2, cf.size(), "the old epoch's pending state, then the new epoch's snapshot, without waiting a tick");
    assertEquals(42L, cf.get(0).getLong("seq"));
    assertNull(cf.get(0).getJsonObject("meta"));
    assertEquals(new JsonObject().put("snapshot", true).put("epoch", "e2"), cf.get(1).getJsonObject("meta"));
    assertEquals("e2", conflated.epoch);
    conflated.group.flush(10_000);
    assertEquals(43L, slow.json().get(2).getLong("seq"), "then the new epoch at the group's pace");

    ChannelFeed trades = tradeFeed();
    FakeTransport tt = new FakeTransport();
    Subscription tradeSub = join(session(tt), trades, Freq.S1);
    trades.publish(trade(1));
    trades.publish(trade(2));
    trades.publish(new Publication(TRADE.toString(), 1, "e2", 3000, "{\"tradeId\":100}"));
    List<JsonObject> tm = tt.json().subList(1, tt.json().size()); // after the snapshot (trade 0)
    assertEquals(2, tm.size());
    assertEquals(2, tm.get(0).getJsonArray("data").size(), "every trade of the old epoch is delivered");
    assertTrue(tm.get(1).getJsonObject("meta").getBoolean("snapshot"));
    assertEquals(100, tm.get(1).getJsonObject("data").getInteger("tradeId"));
    trades.publish(new Publication(TRADE.toString(), 2, "e2", 3001, "{\"tradeId\":101}"));
    tradeSub.group.flush(10_000);
    assertEquals(101, tt.json().get(3).getJsonArray("data").getJsonObject(0).getInteger("tradeId"));
  }

  @Test
  void aSeqJumpOnTheBusIsFilledFromTheOwnersHistoryBeforeLaterArrivals() {
    ChannelFeed feed = new ChannelFeed(QUOTE, gw.feeds);
    FakeTransport t = new FakeTransport();
    feed.receive(quote(1));
    join(session(t), feed, Freq.REALTIME);
    owner.history.put(QUOTE.toString(), List.of(quote(1), quote(2), quote(3), quote(4)));
    owner.holdMissed = true;
    feed.receive(quote(4)); // 2 and 3 never came over the bus
    feed.receive(quote(5)); // arrives while the owner is being asked: waits, in order
    assertEquals(1, t.json().size(), "nothing after the snapshot until the gap is filled");
    owner.answerMissed();
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), t.json().stream().map(m -> m.getLong("seq")).toList());
    assertEquals(1, owner.missedAsked);
    assertEquals(1, gw.counters.gapsFilled.sum());
    feed.receive(quote(6));
    assertEquals(6L, t.json().get(5).getLong("seq"));
  }

  @Test
  void aJumpTheOwnerCanNoLongerFillReachesClientsAsIs() {
    ChannelFeed feed = new ChannelFeed(QUOTE, gw.feeds);
    FakeTransport t = new FakeTransport();
    feed.receive(quote(1));
    join(session(t), feed, Freq.REALTIME);
    feed.receive(quote(9)); // no history: not recovered
    assertEquals(List.of(1L, 9L), t.json().stream().map(m -> m.getLong("seq")).toList());
    assertEquals(1, gw.counters.gapsUnfilled.sum());
  }

  @Test
  void aSlowOwnerHoldsTheChannelOnlyBrieflyAndItsLateAnswerIsIgnored() throws Exception {
    ChannelFeed feed = new ChannelFeed(QUOTE, gw.feeds);
    FakeTransport t = new FakeTransport();
    feed.receive(quote(1));
    join(session(t), feed, Freq.REALTIME);
    owner.history.put(QUOTE.toString(), List.of(quote(1), quote(2), quote(3)));
    owner.holdMissed = true;
    feed.receive(quote(3));
    Thread.sleep(ChannelFeed.HOLD_MS + 400);
    assertEquals(List.of(1L, 3L), t.json().stream().map(m -> m.getLong("seq")).toList(), "released as is");
    assertEquals(1, gw.counters.gapsUnfilled.sum());
    owner.answerMissed(); // too late: nothing is delivered twice or out of order
    assertEquals(List.of(1L, 3L), t.json().stream().map(m -> m.getLong("seq")).toList());
  }
}
