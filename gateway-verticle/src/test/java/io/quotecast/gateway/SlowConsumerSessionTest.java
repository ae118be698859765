package io.quotecast.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.ConfigLoader;
import io.quotecast.common.Freq;
import io.quotecast.common.ListingLoader;
import io.quotecast.common.MessageTypes;
import io.quotecast.common.Publication;
import io.quotecast.common.Settings;
import io.quotecast.common.SymbolDirectory;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A session over a transport whose queue fills and drains on command: state channels keep one pending latest per
 * subscription and deliver it on drain; trades close with 4008; replies cannot grow a full queue without bound.
 */
class SlowConsumerSessionTest {
  private static final ChannelKey QUOTE_A = ChannelKey.quote("600519.SH");
  private static final ChannelKey QUOTE_B = ChannelKey.quote("000001.SZ");
  private static final ChannelKey TRADE = ChannelKey.trade("600519.SH");

  private Vertx vertx;
  private Gateway gw;

  /** The fake transport, with a drain handler the test fires. */
  private static class DrainingTransport implements Transport {
    final List<OutboundMessage> written = new ArrayList<>();
    boolean full;
    Short closedWith;
    Handler<Void> drain;

    @Override public String name() {
      return "fake";
    }

    @Override public void write(OutboundMessage message) {
      written.add(message);
    }

    @Override public boolean writeQueueFull() {
      return full;
    }

    @Override public void drainHandler(Handler<Void> handler) {
      drain = handler;
    }

    @Override public boolean isClosed() {
      return closedWith != null;
    }

    @Override public void close(short code, String reason) {
      closedWith = code;
    }

    @Override public String remoteAddress() {
      return "127.0.0.1:1";
    }

    @Override public void textHandler(Handler<String> handler) {
    }

    @Override public void closeHandler(Handler<Void> handler) {
    }

    @Override public void activityHandler(Handler<Void> handler) {
    }

    @Override public void ping() {
    }

    void drainNow() {
      full = false;
      drain.handle(null);
    }

    List<String> channelsAndSeqs() {
      List<String> out = new ArrayList<>();
      for (OutboundMessage m : written) {
        JsonObject j = new JsonObject(m.text());
        out.add(j.getString("ch") + "@" + j.getLong("seq"));
      }
      return out;
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    JsonObject config = ConfigLoader.load(vertx, null).toCompletionStage().toCompletableFuture().get(10,
        TimeUnit.SECONDS);
    config.getJsonObject("gateway").put("writeQueueBytes", 4096);
    gw = new Gateway(vertx, new Settings(config), SymbolDirectory.of(ListingLoader.loadShipped()));
    gw.feeds.snapshots = new FakeSnapshots();
  }

  @AfterEach
  void tearDown() throws Exception {
    gw.feeds.stop();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private Session session(DrainingTransport t) {
    Session s = new Session(gw, t, "test", 0);
    s.open(null, null);
    t.written.clear();
    return s;
  }

  private static Subscription subscribe(Session s, ChannelFeed feed) {
    Subscription sub = new Subscription(s, feed.key, Freq.REALTIME, 0);
    s.subscriptions.put(feed.key.toString(), sub);
    feed.join(sub, false, 0);
    return sub;
  }

  private static Publication pub(ChannelKey key, long seq) {
    return new Publication(key.toString(), seq, "e1", 1000 + seq, "{\"n\":" + seq + "}");
  }

  @Test
  void aFullQueueKeepsOneLatestPerSubscriptionAndDeliversItOnDrain() {
    DrainingTransport t = new DrainingTransport();
    Session s = session(t);
    ChannelFeed a = new ChannelFeed(QUOTE_A, gw.feeds);
    ChannelFeed b = new ChannelFeed(QUOTE_B, gw.feeds);
    Subscription subA = subscribe(s, a);
    Subscription subB = subscribe(s, b);
    a.publish(pub(QUOTE_A, 1));
    assertEquals(List.of("quote:600519.SH@1"), t.channelsAndSeqs());

    t.full = true;
    for (long seq = 2; seq <= 1000; seq++) {
      b.publish(pub(QUOTE_B, seq)); // b waits first
      a.publish(pub(QUOTE_A, seq));
    }
    assertEquals(1, t.written.size(), "nothing is written while the queue is full");
    assertEquals(999, subA.conflated);
    assertEquals(999, subB.conflated);
    assertEquals(1, subA.lastSeq);

    t.drainNow();
    assertEquals(List.of("quote:600519.SH@1", "quote:000001.SZ@1000", "quote:600519.SH@1000"), t.channelsAndSeqs());
    assertEquals(1000, subA.lastSeq);
    assertEquals(1000, subB.lastSeq);
    assertNull(subA.pending);
    assertEquals(999, subA.toJson().getLong("conflated"), "list shows the conflated count");

    a.publish(pub(QUOTE_A, 1001)); // back to the fast path
    assertEquals("quote:600519.SH@1001", t.channelsAndSeqs().get(3));
    assertNull(t.closedWith);
  }

  @Test
  void aDrainThatRefillsTheQueueLeavesTheRestForTheNextDrain() {
    DrainingTransport t = new DrainingTransport() {
      @Override public void write(OutboundMessage message) {
        super.write(message);
        full = true; // every write fills the queue again
      }
    };
    Session s = session(t);
    t.full = false;
    ChannelFeed a = new ChannelFeed(QUOTE_A, gw.feeds);
    ChannelFeed b = new ChannelFeed(QUOTE_B, gw.feeds);
    subscribe(s, a);
    subscribe(s, b);
    t.full = true;
    a.publish(pub(QUOTE_A, 1));
    b.publish(pub(QUOTE_B, 1));
    t.drainNow();
    assertEquals(List.of("quote:600519.SH@1"), t.channelsAndSeqs());
    b.publish(pub(QUOTE_B, 2)); // replaces b's pending while still full
    t.drainNow();
    assertEquals(List.of("quote:600519.SH@1", "quote:000001.SZ@2"), t.channelsAndSeqs());
  }

  @Test
  void heldValuesGoFirstOnTheNextDeliveryEvenIfNoDrainEventComes() {
    DrainingTransport t = new DrainingTransport();
    Session s = session(t);
    ChannelFeed a = new ChannelFeed(QUOTE_A, gw.feeds);
    ChannelFeed b = new ChannelFeed(QUOTE_B, gw.feeds);
    Subscription subA = subscribe(s, a);
    subscribe(s, b);
    t.full = true;
    a.publish(pub(QUOTE_A, 1));
    t.full = false; // drained, but the drain handler has not run (a transport may miss the transition)
    b.publish(pub(QUOTE_B, 7));
    assertEquals(List.of("quote:600519.SH@1", "quote:000001.SZ@7"), t.channelsAndSeqs(),
        "the held value is not stranded behind newer traffic");
    a.publish(pub(QUOTE_A, 2));
    t.drain.handle(null); // the late drain event finds nothing held
    assertEquals(List.of("quote:600519.SH@1", "quote:000001.SZ@7", "quote:600519.SH@2"), t.channelsAndSeqs(),
        "seq never steps back and nothing is written twice");
    assertEquals(2, subA.lastSeq);
  }

  @Test
  void aTradeThatCannotBeWrittenClosesWith4008() {
    DrainingTransport t = new DrainingTransport();
    Session s = session(t);
    ChannelFeed trades = new ChannelFeed(TRADE, gw.feeds);
    subscribe(s, trades);
    t.full = true;
    trades.publish(pub(TRADE, 1));
    assertEquals(MessageTypes.CLOSE_SLOW_CONSUMER, t.closedWith);
    assertTrue(s.isClosed());
  }

  @Test
  void repliesToAClientThatDoesNotReadAreBoundedToo() {
    DrainingTransport t = new DrainingTransport();
    Session s = session(t);
    t.full = true;
    int replies = 0;
    while (t.closedWith == null && replies < 10_000) {
      s.reply("r" + replies, new JsonObject().put("pong", true));
      replies++;
    }
    assertEquals(MessageTypes.CLOSE_SLOW_CONSUMER, t.closedWith);
    long bytes = t.written.stream().mapToLong(OutboundMessage::byteLength).sum();
    assertTrue(bytes <= 4096 + 200, "replies written while full stay within one more queue: " + bytes);
  }
}
