package io.quotecast.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class QuotecastClientTest {
  private static final String CH = "trade:600519.SH";
  private Vertx vertx;
  private QuotecastClient client;
  private final BlockingQueue<Update> updates = new LinkedBlockingQueue<>();
  private final BlockingQueue<ChannelListener.Reset> resets = new LinkedBlockingQueue<>();
  private final BlockingQueue<Long> reconnectDelays = new LinkedBlockingQueue<>();
  private final ChannelListener listener = new ChannelListener() {
    @Override
    public void onUpdate(Update u) {
      updates.add(u);
    }

    @Override
    public void onReset(String channel, Reset reason) {
      resets.add(reason);
    }
  };
  private final ConnectionListener events = new ConnectionListener() {
    @Override
    public void disconnected(Short code, String reason, long reconnectInMs) {
      reconnectDelays.add(reconnectInMs);
    }
  };

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.close().await(10, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private List<Long> seqs(int n) throws InterruptedException {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Update u = updates.poll(FakeServer.WAIT_S, TimeUnit.SECONDS);
      if (u == null) {
        throw new AssertionError("only " + out + " delivered");
      }
      out.add(u.seq());
    }
    return out;
  }

  @Test
  void reconnectsWithBackoffResubscribesWithSinceAndDropsDuplicates() throws Exception {
    FakeServer server = FakeServer.start(vertx);
    AtomicInteger tokens = new AtomicInteger();
    client = QuotecastClient.create(vertx, new ClientOptions().setUrl(server.url()).setBackoff(100, 400)
        .setRandom(() -> 0.5).setTokenSupplier(() -> Future.succeededFuture("t" + tokens.incrementAndGet())), events);
    client.subscribe(CH, listener);
    client.start();

    FakeServer.Conn c1 = server.next();
    assertEquals("Bearer t1", c1.authorization);
    c1.welcome();
    JsonObject sub1 = c1.expect("subscribe");
    assertNull(sub1.getJsonObject("args").getValue("since"), "a new channel asks for a snapshot");
    c1.subscribed(sub1, CH, 5, "e1");
    c1.trade(CH, 5, new JsonObject().put("snapshot", true).put("epoch", "e1"));
    c1.trade(CH, 6, null);
    c1.trade(CH, 7, null);
    assertEquals(List.of(5L, 6L, 7L), seqs(3));
    assertEquals(new JsonObject().put("seq", 7L).put("epoch", "e1"), client.position(CH).await(5, TimeUnit.SECONDS));
    c1.close((short) 1011);

    // full jitter with random 0.5 on the first window of 100 ms
    assertEquals(50L, reconnectDelays.poll(FakeServer.WAIT_S, TimeUnit.SECONDS));
    FakeServer.Conn c2 = server.next();
    assertEquals("Bearer t2", c2.authorization, "the token supplier is asked on every connect");
    c2.welcome();
    JsonObject sub2 = c2.expect("subscribe");
    assertEquals(new JsonObject().put(CH, new JsonObject().put("seq", 7).put("epoch", "e1")),
        sub2.getJsonObject("args").getJsonObject("since"));
    // the replay overlaps what was delivered: 6 and 7 must not be delivered again
    c2.trade(CH, 6, new JsonObject().put("recovered", true));
    c2.trade(CH, 7, new JsonObject().put("recovered", true));
    c2.trade(CH, 8, new JsonObject().put("recovered", true));
    c2.reply(sub2, new JsonObject().put("subscribed", new JsonArray()).put("recovered", new JsonArray().add(CH)));
    c2.trade(CH, 9, null);
    c2.trade(CH, 9, null);
    c2.trade(CH, 10, null);
    assertEquals(List.of(8L, 9L, 10L), seqs(3));
    Update last = updates.poll(200, TimeUnit.MILLISECONDS);
    assertNull(last, "no duplicate after 10");
    assertTrue(resets.isEmpty());
  }

  @Test
  void connectsWithTheDefaultBatchAndUnpacksBatchFramesInOrder() throws Exception {
    FakeServer server = FakeServer.start(vertx);
    BlockingQueue<String> welcomes = new LinkedBlockingQueue<>();
    client = QuotecastClient.create(vertx, new ClientOptions().setUrl(server.url()), new ConnectionListener() {
      @Override
      public void connected(String url, JsonObject welcome) {
        welcomes.add(welcome.getString("node"));
      }
    });
    client.subscribe(CH, listener);
    client.start();
    FakeServer.Conn c = server.next();
    assertTrue(c.uri.contains("batch=" + ClientOptions.DEFAULT_BATCH_MS), c.uri);
    // A batching server sends even the welcome in a batch, with whatever else the period held.
    c.startBatch();
    c.welcome();
    c.send(new JsonObject().put("type", "status").put("data", new JsonObject().put("source", "simulator")
        .put("state", "up")));
    c.endBatch();
    JsonObject sub = c.expect("subscribe");
    c.startBatch();
    c.subscribed(sub, CH, 1, "e1");
    c.trade(CH, 1, new JsonObject().put("snapshot", true).put("epoch", "e1"));
    c.trade(CH, 2, null);
    c.send(new JsonObject().put("type", "some-future-type")); // ignored (§2), the rest still delivered
    c.trade(CH, 3, null);
    c.endBatch();
    c.startBatch();
    c.trade(CH, 4, null);
    c.trade(CH, 5, null);
    c.endBatch();
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seqs(5));
    assertEquals("fake", welcomes.poll(FakeServer.WAIT_S, TimeUnit.SECONDS), "the welcome inside the batch was seen");
    assertNull(updates.poll(200, TimeUnit.MILLISECONDS), "nothing twice");
    assertTrue(resets.isEmpty(), () -> "no gap: " + resets);
  }

  @Test
  void batchZeroConnectsWithoutItAndAUrlsOwnBatchWins() throws Exception {
    FakeServer server = FakeServer.start(vertx);
    client = QuotecastClient.create(vertx, new ClientOptions().setUrl(server.url()).setBatchMs(0));
    client.start();
    String plain = server.next().uri;
    assertTrue(!plain.contains("batch="), plain);
    client.close().await(10, TimeUnit.SECONDS);

    client = QuotecastClient.create(vertx, new ClientOptions().setUrl(server.url() + "?batch=5"));
    client.start();
    String own = server.next().uri;
    assertTrue(own.contains("batch=5") && own.indexOf("batch=") == own.lastIndexOf("batch="), own);
  }

  @Test
  void aBatchOutsideWhatTheServerAcceptsIsRefusedUpFront() {
    for (int bad : new int[] {-1, ClientOptions.MAX_BATCH_MS + 1}) {
      ClientOptions o = new ClientOptions().setUrl("ws://127.0.0.1:1/ws").setBatchMs(bad);
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> QuotecastClient.create(vertx, o));
      assertTrue(e.getMessage().contains("batchMs"), e.getMessage());
    }
  }

  @Test
  void gapSendsResumeAndDeliversInOrder() throws Exception {
    FakeServer server = FakeServer.start(vertx);
    client = QuotecastClient.create(vertx, new ClientOptions().setUrl(server.url()));
    client.subscribe(CH, listener);
    client.start();
    FakeServer.Conn c = server.next();
    c.welcome();
    JsonObject sub = c.expect("subscribe");
    c.subscribed(sub, CH, 1, "e1");
    c.trade(CH, 1, new JsonObject().put("snapshot", true).put("epoch", "e1"));
    c.trade(CH, 2, null);
    c.trade(CH, 4, null); // 3 was lost
    c.trade(CH, 5, null);
    JsonObject resume = c.expect("resume");
    assertEquals(new JsonObject().put(CH, new JsonObject().put("seq", 2).put("epoch", "e1")),
        resume.getJsonObject("args").getJsonObject("since"));
    c.trade(CH, 3, new JsonObject().put("recovered", true));
    c.reply(resume, new JsonObject().put("recovered", new JsonArray().add(CH)).put("notRecovered", new JsonArray()));
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seqs(5));
  }

  @Test
  void aRefusedResumeIsRetriedOrResubscribedNeverLeftOpen() throws Exception {
    FakeServer server = FakeServer.start(vertx);
    client = QuotecastClient.create(vertx, new ClientOptions().setUrl(server.url()));
    client.subscribe(CH, listener);
    client.start();
    FakeServer.Conn c = server.next();
    c.welcome();
    JsonObject sub = c.expect("subscribe");
    c.subscribed(sub, CH, 1, "e1");
    c.trade(CH, 1, new JsonObject().put("snapshot", true).put("epoch", "e1"));
    c.trade(CH, 3, null); // 2 was lost
    JsonObject resume = c.expect("resume");
    c.error(resume, "RATE_LIMITED", new JsonObject().put("retryAfterMs", 50));
    JsonObject again = c.expect("resume"); // retried after retryAfterMs
    c.error(again, "NOT_SUBSCRIBED", new JsonObject());
    JsonObject resub = c.expect("subscribe"); // the server lost the channel: subscribe again, with since
    assertEquals(new JsonObject().put(CH, new JsonObject().put("seq", 1).put("epoch", "e1")),
        resub.getJsonObject("args").getJsonObject("since"));
    c.trade(CH, 2, new JsonObject().put("recovered", true));
    c.trade(CH, 3, new JsonObject().put("recovered", true));
    c.reply(resub, new JsonObject().put("subscribed", new JsonArray().add(new JsonObject().put("ch", CH)
        .put("seq", 3).put("epoch", "e1"))).put("recovered", new JsonArray().add(CH)).put("notRecovered",
        new JsonArray()));
    c.trade(CH, 4, null);
    assertEquals(List.of(1L, 2L, 3L, 4L), seqs(4));
    assertTrue(resets.isEmpty(), "nothing was lost: " + resets);
  }

  @Test
  void aResumeRefusedForGoodGivesTheGapUpVisibly() throws Exception {
    FakeServer server = FakeServer.start(vertx);
    client = QuotecastClient.create(vertx, new ClientOptions().setUrl(server.url()));
    client.subscribe(CH, listener);
    client.start();
    FakeServer.Conn c = server.next();
    c.welcome();
    JsonObject sub = c.expect("subscribe");
    c.subscribed(sub, CH, 1, "e1");
    c.trade(CH, 1, new JsonObject().put("snapshot", true).put("epoch", "e1"));
    c.trade(CH, 3, null);
    c.error(c.expect("resume"), "BAD_REQUEST", new JsonObject());
    assertEquals(ChannelListener.Reset.NOT_RECOVERED, resets.poll(5, TimeUnit.SECONDS));
    assertEquals(List.of(1L, 3L), seqs(2), "the parked update is delivered after the gap is given up");
    c.trade(CH, 4, null);
    assertEquals(List.of(4L), seqs(1));
  }

  @Test
  void rebalanceNoticeMovesToTheNamedEndpointFoundThroughDiscovery() throws Exception {
    noticeMovesToTheNamedEndpoint("rebalance");
  }

  /** A node shedding connections under overload names where to go, as a rebalance does. */
  @Test
  void overloadedNoticeMovesToTheNamedEndpoint() throws Exception {
    noticeMovesToTheNamedEndpoint("overloaded");
  }

  private void noticeMovesToTheNamedEndpoint(String event) throws Exception {
    FakeServer a = FakeServer.start(vertx);
    FakeServer b = FakeServer.start(vertx);
    a.endpoints = new JsonObject().put("endpoints", new JsonArray()
        .add(new JsonObject().put("url", a.url()).put("state", "ready"))).put("self", a.url());
    client = QuotecastClient.create(vertx, new ClientOptions()
        .setDiscoveryUrl("http://127.0.0.1:" + a.server.actualPort()).setBackoff(10_000, 20_000));
    client.subscribe(CH, listener);
    client.start();
    FakeServer.Conn ca = a.next();
    ca.welcome();
    JsonObject sub = ca.expect("subscribe");
    ca.subscribed(sub, CH, 3, "e1");
    ca.trade(CH, 3, new JsonObject().put("snapshot", true).put("epoch", "e1"));
    assertEquals(List.of(3L), seqs(1));
    ca.send(new JsonObject().put("type", "notice").put("data", new JsonObject().put("event", event)
        .put("reconnectAfterMs", 50).put("endpoints", new JsonArray().add(b.url()))));
    // the backoff window is 10 s+: arriving at b well within the wait proves the notice's delay was used
    FakeServer.Conn cb = b.next();
    cb.welcome();
    JsonObject sub2 = cb.expect("subscribe");
    assertEquals(3, sub2.getJsonObject("args").getJsonObject("since").getJsonObject(CH).getInteger("seq"));
  }

  @Test
  void silentServerIsDroppedAfterTheIdleTimeoutAndPingsAreSent() throws Exception {
    FakeServer server = FakeServer.start(vertx);
    client = QuotecastClient.create(vertx, new ClientOptions().setUrl(server.url()).setPingIntervalMs(100)
        .setIdleTimeoutMs(400).setBackoff(10, 20), events);
    client.start();
    FakeServer.Conn c1 = server.next();
    c1.welcome();
    c1.expect("ping"); // never answered
    FakeServer.Conn c2 = server.next();
    assertTrue(c2 != c1);
  }

  @Test
  void tokenExpiringNoticeSendsAuthWithAFreshToken() throws Exception {
    FakeServer server = FakeServer.start(vertx);
    AtomicInteger tokens = new AtomicInteger();
    client = QuotecastClient.create(vertx, new ClientOptions().setUrl(server.url())
        .setTokenSupplier(() -> Future.succeededFuture("t" + tokens.incrementAndGet())));
    client.start();
    FakeServer.Conn c = server.next();
    c.welcome();
    c.send(new JsonObject().put("type", "notice").put("data", new JsonObject().put("event", "token_expiring")));
    assertEquals("t2", c.expect("auth").getJsonObject("args").getString("token"));
  }
}
