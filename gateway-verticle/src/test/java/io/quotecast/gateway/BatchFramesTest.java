package io.quotecast.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.ConfigLoader;
import io.quotecast.common.Freq;
import io.quotecast.common.ListingLoader;
import io.quotecast.common.Publication;
import io.quotecast.common.Settings;
import io.quotecast.common.SymbolDirectory;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Batching on one connection (PROTOCOL.md §6, ARCHITECTURE hot-path rule 5): each batch period yields at most one
 * frame (one write, so one flush), and the frames, unpacked, carry exactly the messages sent, in the order they were
 * sent — channel data, replies and the welcome interleaved as they happened. Runs the session on a real event loop
 * with real timers over a transport that records each frame and when it was written.
 */
class BatchFramesTest {
  private static final ChannelKey QUOTE = ChannelKey.quote("600519.SH");
  private static final ChannelKey TRADE = ChannelKey.trade("000001.SZ");
  private static final int BATCH_MS = 20;

  private Vertx vertx;
  private Gateway gw;
  private Context ctx;

  /** Records every frame the session writes with its write time (nanoTime). */
  private static final class Frames implements Transport {
    final List<OutboundMessage> written = new ArrayList<>();
    final List<Long> writtenAt = new ArrayList<>();

    @Override
    public String name() {
      return "frames";
    }

    @Override
    public void write(OutboundMessage message) {
      written.add(message);
      writtenAt.add(System.nanoTime());
    }

    @Override
    public boolean writeQueueFull() {
      return false;
    }

    @Override
    public boolean isClosed() {
      return false;
    }

    @Override
    public void close(short code, String reason) {
    }

    @Override
    public String remoteAddress() {
      return "127.0.0.1:1";
    }

    @Override
    public void textHandler(Handler<String> handler) {
    }

    @Override
    public void closeHandler(Handler<Void> handler) {
    }

    @Override
    public void activityHandler(Handler<Void> handler) {
    }

    @Override
    public void ping() {
    }

    /** Every frame's messages, a batch frame unpacked in place, as "type", "ch@seq" or "result:id". */
    List<String> unpacked() {
      List<String> out = new ArrayList<>();
      for (OutboundMessage m : written) {
        JsonObject frame = new JsonObject(m.text());
        if ("batch".equals(frame.getString("type"))) {
          JsonArray data = frame.getJsonArray("data");
          assertTrue(data.size() >= 2, () -> "a batch frame combines messages: " + frame.encode());
          data.forEach(e -> out.add(label((JsonObject) e)));
        } else {
          out.add(label(frame));
        }
      }
      return out;
    }
  }

  private static String label(JsonObject m) {
    if (m.containsKey("ch")) {
      return m.getString("ch") + "@" + m.getLong("seq");
    }
    return "result".equals(m.getString("type")) ? "result:" + m.getString("id") : m.getString("type");
  }

  private void start(int writeQueueBytes) throws Exception {
    vertx = Vertx.vertx();
    JsonObject config = await(ConfigLoader.load(vertx, null));
    config.getJsonObject("gateway").put("writeQueueBytes", writeQueueBytes);
    gw = new Gateway(vertx, new Settings(config), SymbolDirectory.of(ListingLoader.loadShipped()));
    gw.feeds.snapshots = new FakeSnapshots();
    ctx = vertx.getOrCreateContext();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (vertx != null) {
      onLoop(() -> {
        gw.feeds.stop();
        return null;
      });
      await(vertx.close());
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Runs {@code work} on the session's event loop (sessions are single-threaded) and waits for it. */
  private <T> T onLoop(Callable<T> work) throws Exception {
    Promise<T> p = Promise.promise();
    ctx.runOnContext(v -> {
      try {
        p.complete(work.call());
      } catch (Throwable e) {
        p.fail(e);
      }
    });
    return await(p.future());
  }

  private static Subscription subscribe(Session s, ChannelFeed feed) {
    Subscription sub = new Subscription(s, feed.key, Freq.REALTIME, 0);
    s.subscriptions.put(feed.key.toString(), sub);
    feed.join(sub, false, 0);
    return sub;
  }

  private static Publication pub(ChannelKey key, long seq) {
    return new Publication(key.toString(), seq, "e1", 1000 + seq, "{\"n\":" + seq + ",\"pad\":\"" + "x".repeat(60)
        + "\"}");
  }

  @Test
  void eachPeriodSendsAtMostOneFrameCarryingItsMessagesInOrder() throws Exception {
    start(1 << 20);
    Frames t = new Frames();
    List<String> expected = new ArrayList<>();
    int ticks = 60;
    Promise<Void> done = Promise.promise();
    long messagesOutBefore = gw.counters.messagesOut.sum();
    ctx.runOnContext(v -> {
      Session s = new Session(gw, t, "test", BATCH_MS);
      s.open(null, null); // anonymous access off or on, a welcome comes first
      expected.add("welcome");
      ChannelFeed quotes = new ChannelFeed(QUOTE, gw.feeds);
      ChannelFeed trades = new ChannelFeed(TRADE, gw.feeds);
      subscribe(s, quotes);
      subscribe(s, trades);
      long[] tick = {0};
      // Data every 3 ms on two channels, a reply every fourth tick: several messages per 20 ms period.
      vertx.setPeriodic(3, id -> {
        long n = ++tick[0];
        quotes.publish(pub(QUOTE, n));
        expected.add(QUOTE + "@" + n);
        if (n % 4 == 0) {
          s.reply("r" + n, new JsonObject().put("n", n));
          expected.add("result:r" + n);
        }
        trades.publish(pub(TRADE, n));
        expected.add(TRADE + "@" + n);
        if (n == ticks) {
          vertx.cancelTimer(id);
          // the last batch goes out when its period ends
          vertx.setTimer(BATCH_MS * 5L, last -> done.complete());
        }
      });
    });
    await(done.future());
    List<Long> at = onLoop(() -> List.copyOf(t.writtenAt));
    List<String> got = onLoop(t::unpacked);

    assertEquals(expected, got, "the frames, unpacked, are the messages sent, in order");
    assertTrue(at.size() <= expected.size() / 2, () -> at.size() + " frames for " + expected.size() + " messages");
    for (int i = 1; i < at.size(); i++) {
      double gapMs = (at.get(i) - at.get(i - 1)) / 1e6;
      // A timer never fires early, and a period starts with its first message, after the previous frame.
      assertTrue(gapMs >= BATCH_MS - 1, "frame " + i + " came " + gapMs + " ms after the previous one; a "
          + BATCH_MS + " ms period allows one frame");
    }
    assertEquals(expected.size(), gw.counters.messagesOut.sum() - messagesOutBefore,
        "messagesOut counts messages, not frames");
  }

  @Test
  void aBatchReachingTheQueueBoundGoesOutEarlyAndInOrder() throws Exception {
    int bound = 4096;
    start(bound);
    Frames t = new Frames();
    int messages = 200;
    List<Integer> frameBytes = onLoop(() -> {
      Session s = new Session(gw, t, "test", 1000); // a long period: only the size bound can flush within the test
      s.open(null, null);
      ChannelFeed quotes = new ChannelFeed(QUOTE, gw.feeds);
      subscribe(s, quotes);
      for (long seq = 1; seq <= messages; seq++) {
        quotes.publish(pub(QUOTE, seq));
      }
      return t.written.stream().map(OutboundMessage::byteLength).toList();
    });
    assertTrue(frameBytes.size() >= 3, () -> "frames written before the period ended: " + frameBytes);
    for (int bytes : frameBytes) {
      assertTrue(bytes <= bound + 512, () -> "a batch stays near the queue bound: " + frameBytes);
    }
    List<String> got = onLoop(t::unpacked);
    assertEquals("welcome", got.get(0));
    for (int i = 1; i < got.size(); i++) {
      assertEquals(QUOTE + "@" + i, got.get(i), "contiguous and in order");
    }
    assertTrue(got.size() < messages + 1, "the rest waits for the period");
  }

  @Test
  void changingThePeriodSendsWhatTheOldOneHeld() throws Exception {
    start(1 << 20);
    Frames t = new Frames();
    List<String> got = onLoop(() -> {
      Session s = new Session(gw, t, "test", 1000);
      s.open(null, null);
      ChannelFeed quotes = new ChannelFeed(QUOTE, gw.feeds);
      subscribe(s, quotes);
      quotes.publish(pub(QUOTE, 1));
      quotes.publish(pub(QUOTE, 2));
      assertEquals(0, t.written.size(), "held for the 1000 ms period");
      s.setBatch(10);
      assertEquals(1, t.written.size(), "a shorter period does not leave messages behind the old timer");
      quotes.publish(pub(QUOTE, 3));
      s.setBatch(0);
      assertEquals(2, t.written.size(), "batch 0 sends what is held at once");
      quotes.publish(pub(QUOTE, 4));
      return t.unpacked();
    });
    assertEquals(List.of("welcome", QUOTE + "@1", QUOTE + "@2", QUOTE + "@3", QUOTE + "@4"), got);
    assertEquals(3, t.written.size(), "unbatched: one frame per message");
  }
}
