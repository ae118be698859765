package io.quotecast.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.ConfigLoader;
import io.quotecast.common.ListingLoader;
import io.quotecast.common.Publication;
import io.quotecast.common.Settings;
import io.quotecast.common.SymbolDirectory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Publications that arrive while the owner's history is being asked (PROTOCOL.md §6 {@code since}), step by step:
 * the owner's answers are held and released by hand, so the race the cluster tests only hit by chance happens every
 * time here. The replay must end exactly where the live feed takes over: no gap, no duplicate.
 */
class RecoveryInFlightTest {
  private static final ChannelKey TRADE = ChannelKey.trade("600519.SH");

  private Vertx vertx;
  private Gateway gw;
  private final FakeSnapshots owner = new FakeSnapshots();
  private final List<Publication> history = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    JsonObject config = ConfigLoader.load(vertx, null).toCompletionStage().toCompletableFuture().get(10,
        TimeUnit.SECONDS);
    gw = new Gateway(vertx, new Settings(config), SymbolDirectory.of(ListingLoader.loadShipped()));
    gw.feeds.snapshots = owner;
    owner.holdMissed = true;
  }

  @AfterEach
  void tearDown() throws Exception {
    gw.feeds.stop();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Publication trade(long seq) {
    return new Publication(TRADE.toString(), seq, "e1", System.currentTimeMillis(), "{\"tradeId\":" + seq + "}");
  }

  /** The owner publishes {@code seq}: it enters the history and reaches this gateway's feed. */
  private void published(ChannelFeed feed, long seq) {
    history.add(trade(seq));
    feed.receive(trade(seq));
  }

  /** The owner answers the held ask with its history as it was when asked: up to {@code seq}. */
  private void ownerAnswersAsOf(long seq) {
    owner.history.put(TRADE.toString(), history.stream().filter(p -> p.seq() <= seq).toList());
    owner.answerMissed();
  }

  private static List<Long> seqs(List<Publication> ps) {
    return ps.stream().map(Publication::seq).toList();
  }

  @Test
  void publicationsDuringTheAskAreFetchedInAnotherRoundAndTheReplayEndsAtTheFeed() {
    ChannelFeed feed = new ChannelFeed(TRADE, gw.feeds);
    for (long seq = 1; seq <= 5; seq++) {
      published(feed, seq);
    }
    Recovery recovery = new Recovery(vertx, owner, new Catchup.Limits(1000, 60_000));
    Recovery.Item item = new Recovery.Item(TRADE, feed, null, new Catchup(2, "e1"));
    AtomicReference<List<Publication>> replay = new AtomicReference<>();
    AtomicReference<Long> liveFrom = new AtomicReference<>();
    Future<Void> done = recovery.settle(List.of(item), () -> {
      replay.set(item.replay(recovery.limits, System.currentTimeMillis()));
      liveFrom.set(feed.latest.seq() + 1); // a subscription joined in this turn gets everything after the feed's latest
    });

    assertEquals(1, owner.missedAsked, "the owner is asked once for what follows seq 2");
    published(feed, 6); // arrive while the owner is being asked
    published(feed, 7);
    ownerAnswersAsOf(5);
    assertFalse(done.isComplete(), "3..5 gathered, but the feed is at 7: not caught up yet");
    assertEquals(2, owner.missedAsked, "asked again from seq 5");

    published(feed, 8); // and another one during the second ask
    ownerAnswersAsOf(7);
    assertFalse(done.isComplete(), "the feed is at 8");
    assertEquals(3, owner.missedAsked);
    ownerAnswersAsOf(8);
    assertTrue(done.succeeded());
    assertNotNull(replay.get(), "recovered");
    assertEquals(List.of(3L, 4L, 5L, 6L, 7L, 8L), seqs(replay.get()), "exactly what the client missed");
    assertEquals(9L, liveFrom.get(), "the live stream continues right after the replay");
  }

  @Test
  void aClientAheadOfThisGatewayWaitsForTheFeedInsteadOfReplayingOldData() throws Exception {
    ChannelFeed feed = new ChannelFeed(TRADE, gw.feeds);
    for (long seq = 1; seq <= 5; seq++) {
      published(feed, seq);
    }
    owner.holdMissed = false;
    owner.history.put(TRADE.toString(), List.copyOf(history));
    Recovery recovery = new Recovery(vertx, owner, new Catchup.Limits(1000, 60_000));
    // The client saw seq 6 on another node; this gateway's feed has not received it yet.
    Recovery.Item item = new Recovery.Item(TRADE, feed, null, new Catchup(6, "e1"));
    AtomicReference<List<Publication>> replay = new AtomicReference<>();
    Future<Void> done = recovery.settle(List.of(item), () ->
        replay.set(item.replay(recovery.limits, System.currentTimeMillis())));
    assertFalse(done.isComplete(), "waits for the feed to catch up");
    assertEquals(0, owner.missedAsked, "nothing to ask the owner for");
    vertx.runOnContext(v -> published(feed, 6));
    done.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertEquals(List.of(), replay.get(), "caught up: nothing to replay, the live stream continues after 6");
  }

  @Test
  void aChannelFasterThanItsHistoryCanBeFetchedIsReportedLostNotHung() {
    ChannelFeed feed = new ChannelFeed(TRADE, gw.feeds);
    published(feed, 1);
    Recovery recovery = new Recovery(vertx, owner, new Catchup.Limits(1000, 60_000));
    Recovery.Item item = new Recovery.Item(TRADE, feed, null, new Catchup(0, "e1"));
    AtomicReference<List<Publication>> replay = new AtomicReference<>(List.of());
    Future<Void> done = recovery.settle(List.of(item), () ->
        replay.set(item.replay(recovery.limits, System.currentTimeMillis())));
    long seq = 1;
    for (int round = 0; round < Recovery.MAX_ROUNDS && !done.isComplete(); round++) {
      published(feed, ++seq); // every round, one more arrives before the answer
      ownerAnswersAsOf(seq - 1);
    }
    assertTrue(done.succeeded(), "settles after at most " + Recovery.MAX_ROUNDS + " rounds");
    assertEquals(null, replay.get(), "not recovered: the client gets a snapshot instead");
    assertTrue(item.catchup.reason().contains("faster"), item.catchup.reason());
    assertEquals(LongStream.rangeClosed(1, seq).boxed().toList(), seqs(history));
  }
}
