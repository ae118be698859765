package io.quotecast.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Where the client goes when a node refuses or disappears, what it tells the server (acks), and restarted streams. */
@Timeout(60)
class ReconnectTest {
  private static final String CH = "trade:600519.SH";
  private Vertx vertx;
  private QuotecastClient client;
  private final BlockingQueue<Update> updates = new LinkedBlockingQueue<>();
  private final BlockingQueue<ChannelListener.Reset> resets = new LinkedBlockingQueue<>();
  private final BlockingQueue<Long> reconnectDelays = new LinkedBlockingQueue<>();
  private final BlockingQueue<Object[]> refusals = new LinkedBlockingQueue<>();
  private final BlockingQueue<JsonObject> rejected = new LinkedBlockingQueue<>();
  private final ChannelListener listener = new ChannelListener() {
    @Override
    public void onUpdate(Update u) {
      updates.add(u);
    }

    @Override
    public void onReset(String channel, Reset reason) {
      resets.add(reason);
    }

    @Override
    public void onRejected(String channel, JsonObject error) {
      rejected.add(error);
    }
  };
  private final ConnectionListener events = new ConnectionListener() {
    @Override
    public void disconnected(Short code, String reason, long reconnectInMs) {
      reconnectDelays.add(reconnectInMs);
    }

    @Override
    public void refused(String url, int status, long retryAfterMs, List<String> endpoints) {
      refusals.add(new Object[] {url, status, retryAfterMs, endpoints});
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

  private static JsonObject unavailable(long retryAfterMs, String... endpoints) {
    return new JsonObject().put("type", "about:blank").put("status", 503).put("code", "UNAVAILABLE")
        .put("retryAfterMs", retryAfterMs).put("endpoints", new JsonArray(List.of((Object[]) endpoints)));
  }

  /** Welcome, answer the subscribe at {@code seq}/{@code epoch} and send that snapshot. */
  private static JsonObject join(FakeServer.Conn c, long seq, String epoch) throws InterruptedException {
    c.welcome();
    JsonObject sub = c.expect("subscribe");
    c.subscribed(sub, CH, seq, epoch);
    c.trade(CH, seq, new JsonObject().put("snapshot", true).put("epoch", epoch));
    return sub;
  }

  @Test
  void a503GoesToTheNamedEndpointAtOnceAndTheRefusingNodeRestsForRetryAfter() throws Exception {
    FakeServer a = FakeServer.start(vertx);
    FakeServer b = FakeServer.start(vertx);
    // draining: the header says 2 s, the body the exact 1500 ms (the body wins); b accepts
    a.refuseNext(1, "2", unavailable(1500, b.url()));
    client = QuotecastClient.create(vertx, new ClientOptions().setUrl(a.url()).setBackoff(100, 200)
        .setRandom(() -> 0.5), events);
    client.subscribe(CH, listener);
    client.start();

    FakeServer.Conn cb = b.next();
    long refusedAt = a.refusals.poll(1, TimeUnit.SECONDS);
    assertTrue(reconnectDelays.isEmpty(), "the alternative was tried in the same attempt, before any backoff");
    Object[] refusal = refusals.poll(1, TimeUnit.SECONDS);
    assertNotNull(refusal);
    assertEquals(a.url(), refusal[0]);
    assertEquals(503, refusal[1]);
    assertEquals(1500L, refusal[2]);
    assertEquals(List.of(b.url()), refusal[3]);
    join(cb, 4, "e1");
    assertEquals(List.of(4L), seqs(1));

    // b goes away: the fixed URL is a again, but not before its Retry-After has passed (backoff alone is 50 ms)
    cb.close((short) 1011);
    FakeServer.Conn ca = a.next();
    long waited = System.currentTimeMillis() - refusedAt;
    assertTrue(waited >= 1400, "a was left alone for its Retry-After, reconnected after " + waited + " ms");
    ca.welcome();
    JsonObject sub = ca.expect("subscribe");
    assertEquals(4, sub.getJsonObject("args").getJsonObject("since").getJsonObject(CH).getInteger("seq"));
  }

  @Test
  void aRetryAfterHeaderAloneIsTheMinimumDelayWhenNoAlternativeIsNamed() throws Exception {
    FakeServer a = FakeServer.start(vertx);
    a.refuseNext(1, "1", new JsonObject().put("code", "UNAVAILABLE").put("endpoints", new JsonArray()));
    client = QuotecastClient.create(vertx, new ClientOptions().setUrl(a.url()).setBackoff(10, 20)
        .setRandom(() -> 0.5), events);
    client.start();
    long refusedAt = a.refusals.poll(FakeServer.WAIT_S, TimeUnit.SECONDS);
    long delay = reconnectDelays.poll(FakeServer.WAIT_S, TimeUnit.SECONDS);
    assertTrue(delay >= 900, "Retry-After 1 s beats a 5 ms backoff: " + delay);
    a.next();
    assertTrue(System.currentTimeMillis() - refusedAt >= 950);
  }

  @Test
  void discoverySkipsNodesThatDoNotAcceptAndItsLastAnswerStandsInWhenItIsDown() throws Exception {
    FakeServer lb = FakeServer.start(vertx);
    FakeServer draining = FakeServer.start(vertx);
    FakeServer full = FakeServer.start(vertx);
    FakeServer ready = FakeServer.start(vertx);
    lb.endpoints = new JsonObject().put("endpoints", new JsonArray()
        .add(new JsonObject().put("url", draining.url()).put("state", "draining"))
        .add(new JsonObject().put("url", full.url()).put("state", "ready").put("connections", 10)
            .put("maxConnections", 10))
        .add(new JsonObject().put("url", ready.url()).put("state", "ready").put("connections", 1)
            .put("maxConnections", 10)))
        .put("self", draining.url());
    client = QuotecastClient.create(vertx, new ClientOptions()
        .setDiscoveryUrl("http://127.0.0.1:" + lb.server.actualPort()).setBackoff(10, 20), events);
    client.subscribe(CH, listener);
    client.start();
    FakeServer.Conn c1 = ready.next();
    join(c1, 1, "e1");
    assertEquals(List.of(1L), seqs(1));

    // the discovery node dies; the connection drops: the endpoints it listed last are where to go
    lb.close();
    c1.close((short) 1011);
    FakeServer.Conn c2 = ready.next();
    c2.welcome();
    assertEquals(1, c2.expect("subscribe").getJsonObject("args").getJsonObject("since").getJsonObject(CH)
        .getInteger("seq"));
    assertTrue(draining.connections.isEmpty() && full.connections.isEmpty(), "non-accepting nodes never tried");
  }

  @Test
  void anInBandRefusalSendsTheNextAttemptToItsEndpoints() throws Exception {
    FakeServer a = FakeServer.start(vertx);
    FakeServer b = FakeServer.start(vertx);
    client = QuotecastClient.create(vertx, new ClientOptions().setUrl(a.url()).setBackoff(10, 20), events);
    client.start();
    FakeServer.Conn ca = a.next();
    // got past the admission check in a race: error without id, then 1013
    ca.error(null, "UNAVAILABLE", new JsonObject().put("retryAfterMs", 5000).put("endpoints",
        new JsonArray().add(b.url())));
    ca.close((short) 1013);
    FakeServer.Conn cb = b.next();
    cb.welcome();
    client.start().await(5, TimeUnit.SECONDS);
    assertEquals(0, ((Object[]) refusals.poll(1, TimeUnit.SECONDS))[1], "reported, status 0 = in band");
  }

  @Test
  void acksReportTheLastDeliveredSeqOnlyWhenItMoved() throws Exception {
    FakeServer server = FakeServer.start(vertx);
    client = QuotecastClient.create(vertx, new ClientOptions().setUrl(server.url()).setAckIntervalMs(100));
    client.subscribe(CH, listener);
    client.start();
    FakeServer.Conn c = server.next();
    JsonObject sub = join(c, 5, "e1");
    c.trade(CH, 6, null);
    c.trade(CH, 7, null);
    assertEquals(List.of(5L, 6L, 7L), seqs(3));
    JsonObject ack = c.expect("ack");
    assertEquals(new JsonObject().put(CH, 7), ack.getJsonObject("args").getJsonObject("acks"));
    c.reply(ack, new JsonObject().put("acked", new JsonObject().put(CH, 7)));
    JsonObject again = poll(c, "ack", 400);
    assertNull(again, "nothing new delivered, nothing to ack: " + again);
    c.trade(CH, 8, null);
    assertEquals(new JsonObject().put(CH, 8), c.expect("ack").getJsonObject("args").getJsonObject("acks"));
    assertNotNull(sub);
  }

  @Test
  void acksAreOffByDefault() throws Exception {
    FakeServer server = FakeServer.start(vertx);
    client = QuotecastClient.create(vertx, new ClientOptions().setUrl(server.url()).setPingIntervalMs(100)
        .setIdleTimeoutMs(10_000));
    client.subscribe(CH, listener);
    client.start();
    FakeServer.Conn c = server.next();
    join(c, 5, "e1");
    c.trade(CH, 6, null);
    assertEquals(List.of(5L, 6L), seqs(2));
    assertNull(poll(c, "ack", 500));
  }

  /** The next request with {@code op} within {@code ms}, or null. */
  private static JsonObject poll(FakeServer.Conn c, String op, long ms) throws InterruptedException {
    long end = System.currentTimeMillis() + ms;
    while (System.currentTimeMillis() < end) {
      JsonObject m = c.received.poll(20, TimeUnit.MILLISECONDS);
      if (m != null && op.equals(m.getString("op"))) {
        return m;
      }
    }
    return null;
  }

  @Test
  void aRestartedServerIsReportedOnceAsANewEpochFromTheSubscribeReply() throws Exception {
    FakeServer server = FakeServer.start(vertx);
    client = QuotecastClient.create(vertx, new ClientOptions().setUrl(server.url()).setBackoff(10, 20));
    client.subscribe(CH, listener);
    client.start();
    FakeServer.Conn c1 = server.next();
    join(c1, 40, "e1");
    c1.trade(CH, 41, null);
    assertEquals(List.of(40L, 41L), seqs(2));
    c1.close((short) 1011);

    // the process restarted: new epoch, no history; the reply says where the new stream is, then its snapshot
    FakeServer.Conn c2 = server.next();
    c2.welcome();
    JsonObject sub = c2.expect("subscribe");
    c2.reply(sub, new JsonObject().put("subscribed", new JsonArray().add(new JsonObject().put("ch", CH)
            .put("freq", "realtime").put("seq", 3).put("epoch", "e2")))
        .put("rejected", new JsonArray()).put("recovered", new JsonArray())
        .put("notRecovered", new JsonArray().add(CH)));
    c2.trade(CH, 3, new JsonObject().put("snapshot", true).put("epoch", "e2"));
    c2.trade(CH, 4, null);
    List<Update> got = List.of(updates.poll(5, TimeUnit.SECONDS), updates.poll(5, TimeUnit.SECONDS));
    assertEquals(List.of(3L, 4L), got.stream().map(Update::seq).toList());
    assertEquals(List.of("e2", "e2"), got.stream().map(Update::epoch).toList());
    assertTrue(got.get(0).snapshot());
    assertEquals(ChannelListener.Reset.NEW_EPOCH, resets.poll(1, TimeUnit.SECONDS));
    assertNull(resets.poll(200, TimeUnit.MILLISECONDS), "one reset for one restart");
  }

  @Test
  void aRestartedServerWithoutTradesYetIsFollowedFromSeqOneAndItsEpochIsLearned() throws Exception {
    FakeServer server = FakeServer.start(vertx);
    client = QuotecastClient.create(vertx, new ClientOptions().setUrl(server.url()).setBackoff(10, 20));
    client.subscribe(CH, listener);
    client.start();
    FakeServer.Conn c1 = server.next();
    join(c1, 40, "e1");
    assertEquals(List.of(40L), seqs(1));
    c1.close((short) 1011);

    FakeServer.Conn c2 = server.next();
    c2.welcome();
    JsonObject sub = c2.expect("subscribe");
    // no trade yet on the restarted server: seq 0, no epoch, no snapshot; live trades carry no epoch either
    c2.reply(sub, new JsonObject().put("subscribed", new JsonArray().add(new JsonObject().put("ch", CH)
            .put("freq", "realtime").put("seq", 0).putNull("epoch")))
        .put("rejected", new JsonArray()).put("recovered", new JsonArray())
        .put("notRecovered", new JsonArray().add(CH)));
    c2.trade(CH, 1, null);
    c2.trade(CH, 2, null);
    assertEquals(List.of(1L, 2L), seqs(2), "seq 1 and 2 of the new stream are not dropped as old");
    assertEquals(ChannelListener.Reset.NEW_EPOCH, resets.poll(1, TimeUnit.SECONDS));
    assertNull(resets.poll(200, TimeUnit.MILLISECONDS));
    // since needs the epoch: the client asks for it with list
    JsonObject list = c2.expect("list");
    c2.reply(list, new JsonObject().put("subscriptions", new JsonArray().add(new JsonObject().put("ch", CH)
        .put("seq", 2).put("epoch", "e2"))));
    JsonObject position = null;
    for (int i = 0; i < 50 && position == null; i++) {
      position = client.position(CH).await(5, TimeUnit.SECONDS);
      Thread.sleep(20);
    }
    assertEquals(new JsonObject().put("seq", 2L).put("epoch", "e2"), position);
  }

  @Test
  void aTransientSubscribeErrorIsRetriedNotTurnedIntoARejection() throws Exception {
    FakeServer server = FakeServer.start(vertx);
    client = QuotecastClient.create(vertx, new ClientOptions().setUrl(server.url()));
    client.subscribe(CH, listener);
    client.start();
    FakeServer.Conn c = server.next();
    c.welcome();
    JsonObject first = c.expect("subscribe");
    c.error(first, "UNAVAILABLE", new JsonObject().put("retryAfterMs", 100));
    JsonObject second = c.expect("subscribe");
    assertEquals(first.getJsonObject("args").getJsonArray("channels"),
        second.getJsonObject("args").getJsonArray("channels"));
    c.subscribed(second, CH, 1, "e1");
    c.trade(CH, 1, new JsonObject().put("snapshot", true).put("epoch", "e1"));
    assertEquals(List.of(1L), seqs(1));
    assertTrue(rejected.isEmpty());
  }

  @Test
  void requestsAnswerWithTheReplyDataOrTheError() throws Exception {
    FakeServer server = FakeServer.start(vertx);
    client = QuotecastClient.create(vertx, new ClientOptions().setUrl(server.url()));
    client.start();
    FakeServer.Conn c = server.next();
    c.welcome();
    client.start().await(5, TimeUnit.SECONDS);
    var listed = client.request("list", null);
    c.reply(c.expect("list"), new JsonObject().put("subscriptions", new JsonArray()));
    assertEquals(new JsonArray(), listed.await(5, TimeUnit.SECONDS).getJsonArray("subscriptions"));
    var bad = client.request("ack", new JsonObject().put("acks", new JsonObject().put(CH, 1)));
    c.error(c.expect("ack"), "NOT_SUBSCRIBED", new JsonObject());
    try {
      bad.await(5, TimeUnit.SECONDS);
      throw new AssertionError("should fail");
    } catch (RequestException e) {
      assertEquals("NOT_SUBSCRIBED", e.code());
    }
    var orphan = client.request("list", null);
    c.expect("list");
    c.close((short) 1011);
    try {
      orphan.await(5, TimeUnit.SECONDS);
      throw new AssertionError("should fail");
    } catch (RequestException e) {
      assertEquals("DISCONNECTED", e.code());
    }
    assertFalse(listed.failed());
  }
}
