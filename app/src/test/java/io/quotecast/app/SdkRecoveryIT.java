package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.sdk.ChannelListener;
import io.quotecast.sdk.ClientOptions;
import io.quotecast.sdk.ConnectionListener;
import io.quotecast.sdk.QuotecastClient;
import io.quotecast.sdk.Update;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The Java SDK against real Quotecast processes (the packaged jar), on 127.0.0.1: what PROTOCOL.md §6–§8 promise a
 * client that reconnects, checked on what the SDK delivered to its listeners.
 * <ol>
 *   <li>A single node killed ({@code kill -9}) mid-stream and restarted on the same port: the SDK reconnects by
 *   itself, reports the restarted stream (new epoch) to each listener, and within each epoch the trade seqs it
 *   delivered have no gap and no duplicate; quotes resume.</li>
 *   <li>Two clustered nodes, Q (quote + gateway) and G (gateway only); the SDK finds G through discovery on G.
 *   {@code kill -9} of G: the SDK goes to Q (G's last discovery answer, as G is gone) and resubscribes with
 *   {@code since}; the trades it delivered are one epoch, contiguous, with the outage filled by replays
 *   ({@code meta.recovered}), and equal to what a client on Q received live.</li>
 *   <li>Graceful stop (SIGTERM) of gateway G2 while the SDK is on it by fixed URL: it follows the {@code shutdown}
 *   notice to the endpoint it names at the time it names, and loses nothing.</li>
 * </ol>
 * Every process is killed in {@code finally}/{@link AfterAll}; node logs are in {@code target/cluster-it/sdk-*.log}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SdkRecoveryIT {
  static final String SYMBOL = "600519.SH"; // the simulator's busiest symbol (~120 trades/s by default)
  static final String TRADE = "trade:" + SYMBOL;
  static final String QUOTE = "quote:" + SYMBOL;
  static final long READY_MS = 90_000;

  static Vertx vertx;
  static NodeProcess q;
  static NodeProcess g;
  static int hzQ;
  static int hzG;
  static int hzG2;
  static final List<AutoCloseable> cleanup = new ArrayList<>();

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void tearDown() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      try {
        cleanup.get(i).close();
      } catch (Exception e) {
        // go on: every process must be stopped
      }
    }
    for (NodeProcess n : new NodeProcess[] {g, q}) {
      if (n != null) {
        n.close();
      }
    }
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  // ---- what the SDK delivered ---------------------------------------------------------------------------------

  /** One delivered update: seq, epoch, flags, and the connection (count of welcomes) it arrived on. */
  record Rec(long seq, String epoch, boolean snapshot, boolean recovered, JsonObject data, int connection) {
  }

  /** Connection events with their times. */
  static final class Events implements ConnectionListener {
    final List<Object[]> connected = new ArrayList<>(); // {url, welcome, at}
    final List<Object[]> disconnected = new ArrayList<>(); // {code, reason, reconnectInMs, at}
    final List<Object[]> notices = new ArrayList<>(); // {data, at}
    final List<Object[]> refusals = new ArrayList<>(); // {url, status, retryAfterMs, endpoints, at}
    volatile int connections;

    @Override
    public synchronized void connected(String url, JsonObject welcome) {
      connected.add(new Object[] {url, welcome, System.currentTimeMillis()});
      connections++;
    }

    @Override
    public synchronized void disconnected(Short code, String reason, long reconnectInMs) {
      disconnected.add(new Object[] {code, reason, reconnectInMs, System.currentTimeMillis()});
    }

    @Override
    public synchronized void notice(JsonObject data) {
      notices.add(new Object[] {data, System.currentTimeMillis()});
    }

    @Override
    public synchronized void refused(String url, int status, long retryAfterMs, List<String> endpoints) {
      refusals.add(new Object[] {url, status, retryAfterMs, endpoints, System.currentTimeMillis()});
    }

    synchronized String url(int connection) {
      return (String) connected.get(connection - 1)[0];
    }

    synchronized long connectedAt(int connection) {
      return (long) connected.get(connection - 1)[2];
    }

    synchronized String summary() {
      StringBuilder sb = new StringBuilder();
      connected.forEach(c -> sb.append("\n  connected ").append(c[0]).append(" at ").append(c[2]));
      disconnected.forEach(d -> sb.append("\n  disconnected ").append(d[0]).append(' ').append(d[1])
          .append(", next attempt in ").append(d[2]).append(" ms, at ").append(d[3]));
      notices.forEach(n -> sb.append("\n  notice ").append(n[0]).append(" at ").append(n[1]));
      refusals.forEach(r -> sb.append("\n  refused by ").append(r[0]).append(' ').append(r[1]).append(" at ")
          .append(r[4]));
      return sb.toString();
    }
  }

  /** A channel's deliveries and resets, in order; resets are kept as the number of updates delivered before them. */
  static final class Recorder implements ChannelListener {
    final Events events;
    final List<Rec> updates = new ArrayList<>();
    final List<Map.Entry<Integer, Reset>> resets = new ArrayList<>();

    Recorder(Events events) {
      this.events = events;
    }

    @Override
    public synchronized void onUpdate(Update u) {
      updates.add(new Rec(u.seq(), u.epoch(), u.snapshot(), u.recovered(), u.raw(), events.connections));
    }

    @Override
    public synchronized void onReset(String channel, Reset reason) {
      resets.add(Map.entry(updates.size(), reason));
    }

    synchronized List<Rec> all() {
      return new ArrayList<>(updates);
    }

    synchronized List<Map.Entry<Integer, Reset>> resets() {
      return new ArrayList<>(resets);
    }

    synchronized int size() {
      return updates.size();
    }

    synchronized long count(java.util.function.Predicate<Rec> p) {
      return updates.stream().filter(p).count();
    }
  }

  static void waitUntil(BooleanSupplier condition, long timeoutMs, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  /** Within each epoch, in delivery order: each seq is the previous one + 1 (no gap, no duplicate, no reordering). */
  static Map<String, long[]> assertContiguousPerEpoch(String ch, List<Rec> recs) {
    Map<String, long[]> ranges = new LinkedHashMap<>(); // epoch -> {first, last, count}
    Rec prev = null;
    for (Rec r : recs) {
      assertNotNull(r.epoch(), ch + ": every update names its epoch: " + r);
      if (prev != null && prev.epoch().equals(r.epoch())) {
        long expected = prev.seq() + 1;
        assertEquals(expected, r.seq(), ch + " epoch " + r.epoch() + ": after seq " + prev.seq()
            + " came " + r.seq() + " (gap or duplicate)");
      } else {
        assertFalse(ranges.containsKey(r.epoch()), ch + ": epoch " + r.epoch() + " came back");
      }
      ranges.computeIfAbsent(r.epoch(), e -> new long[] {r.seq(), r.seq(), 0});
      ranges.get(r.epoch())[1] = r.seq();
      ranges.get(r.epoch())[2]++;
      prev = r;
    }
    return ranges;
  }

  static String describe(Map<String, long[]> ranges) {
    StringBuilder sb = new StringBuilder();
    ranges.forEach((e, r) -> sb.append(sb.length() == 0 ? "" : ", ").append(e).append(": seq ").append(r[0])
        .append("..").append(r[1]).append(" (").append(r[2]).append(')'));
    return sb.toString();
  }

  static Map<String, String> base() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("tiers.free.minFreq", "realtime"); // the SDK connects anonymously; trades one by one
    s.put("log.level", "INFO");
    return s;
  }

  static QuotecastClient client(ClientOptions options, Events events) {
    QuotecastClient c = QuotecastClient.create(vertx, options, events);
    cleanup.add(() -> c.close().await(10, TimeUnit.SECONDS));
    return c;
  }

  /** The {@code list} op through the SDK. */
  static JsonObject list(QuotecastClient client) {
    try {
      return client.request("list", null).await(5, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no list reply", e);
    }
  }

  // ---- a: single node, kill -9 and restart ----------------------------------------------------------------------

  @Test
  @Order(1)
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void singleNodeKilledAndRestartedOnTheSamePort() throws Exception {
    int gatewayPort = NodeProcess.freePort();
    int monitorPort = NodeProcess.freePort();
    NodeProcess first = NodeProcess.start("sdk-single", "sdk-single-1", null, base(), gatewayPort, monitorPort, false);
    NodeProcess second = null;
    QuotecastClient client = null;
    try {
      first.awaitReady(READY_MS);
      Events events = new Events();
      Recorder trades = new Recorder(events);
      Recorder quotes = new Recorder(events);
      client = client(new ClientOptions().setUrl(first.wsUrl()).setClientName("sdk-it-single")
          .setBackoff(200, 1000).setAckIntervalMs(200), events);
      client.subscribe(TRADE, "realtime", trades);
      client.subscribe(QUOTE, "realtime", quotes);
      client.start().await(10, TimeUnit.SECONDS);
      waitUntil(() -> trades.size() >= 100 && quotes.size() >= 20, 20_000, "trades and quotes before the kill");

      // acks reach the server: list shows them per subscription
      QuotecastClient c = client;
      JsonObject[] acked = new JsonObject[1];
      waitUntil(() -> {
        JsonObject list = list(c);
        for (Object o : list.getJsonArray("subscriptions")) {
          JsonObject sub = (JsonObject) o;
          if (TRADE.equals(sub.getString("ch")) && sub.getLong("acked", -1L) > 0) {
            acked[0] = sub;
            return true;
          }
        }
        return false;
      }, 5000, "an ack recorded by the server");
      long ackedSeq = acked[0].getLong("acked");
      assertTrue(ackedSeq <= acked[0].getLong("seq"), "acked what was sent: " + acked[0].encode());
      assertTrue(trades.all().stream().anyMatch(r -> r.seq() == ackedSeq), "acked a delivered seq: " + ackedSeq);

      String epoch1 = trades.all().get(trades.size() - 1).epoch();
      String quoteEpoch1 = quotes.all().get(quotes.size() - 1).epoch();
      long killedAt = System.currentTimeMillis();
      first.kill();
      waitUntil(() -> !events.disconnected.isEmpty(), 10_000, "the SDK to notice the kill");
      int deliveredBefore = trades.size();

      long restartedAt = System.currentTimeMillis();
      second = NodeProcess.start("sdk-single", "sdk-single-2", null, base(), gatewayPort, monitorPort, false);
      second.awaitReady(READY_MS);
      waitUntil(() -> events.connections >= 2, 15_000, "the SDK to reconnect by itself" + events.summary());
      long reconnectedAt = events.connectedAt(2);
      waitUntil(() -> trades.count(r -> !r.epoch().equals(epoch1)) >= 100
          && quotes.count(r -> !r.epoch().equals(quoteEpoch1)) >= 20, 20_000, "trades and quotes after the restart");

      List<Rec> all = trades.all();
      Map<String, long[]> ranges = assertContiguousPerEpoch(TRADE, all);
      assertEquals(2, ranges.size(), "two epochs, the killed process's and the restarted one's: " + describe(ranges));
      String epoch2 = all.get(all.size() - 1).epoch();
      assertNotEquals(epoch1, epoch2);
      // the restart is visible to the application: one NEW_EPOCH reset, right where the new stream begins
      int firstOfEpoch2 = 0;
      while (all.get(firstOfEpoch2).epoch().equals(epoch1)) {
        firstOfEpoch2++;
      }
      assertEquals(List.of(Map.entry(firstOfEpoch2, ChannelListener.Reset.NEW_EPOCH)), trades.resets(),
          "trade resets");
      assertTrue(all.get(firstOfEpoch2).snapshot(), "the new stream starts with its snapshot");
      assertEquals(2, all.get(firstOfEpoch2).connection());
      assertTrue(firstOfEpoch2 >= deliveredBefore - 1, "nothing of epoch 1 after the kill");
      // quotes resume on the new epoch too
      List<Rec> qs = quotes.all();
      Map<String, long[]> quoteRanges = new LinkedHashMap<>();
      qs.forEach(r -> quoteRanges.computeIfAbsent(r.epoch(), e -> new long[3])[2]++);
      assertEquals(2, quoteRanges.size(), "quote epochs: " + quoteRanges.keySet());
      assertTrue(quotes.resets().stream().anyMatch(e -> e.getValue() == ChannelListener.Reset.NEW_EPOCH));
      assertEquals(first.wsUrl(), events.url(2), "the same URL, the same port");
      System.out.printf("[SdkRecoveryIT] a: kill -9 -> reconnected in %d ms (%d ms after the new process was "
              + "launched); trades per epoch %s; trade resets (at update index) %s; quotes per epoch %s%n",
          reconnectedAt - killedAt, reconnectedAt - restartedAt, describe(ranges), trades.resets(),
          quoteRanges.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()[2]).toList());
    } finally {
      if (client != null) {
        client.close().await(10, TimeUnit.SECONDS);
      }
      first.close();
      if (second != null) {
        second.close();
      }
    }
  }

  // ---- b and c: two clustered nodes ------------------------------------------------------------------------------

  static Map<String, String> clusterSettings(int hazelcastPort) {
    Map<String, String> s = base();
    s.put("cluster.host", "127.0.0.1");
    s.put("cluster.members", "127.0.0.1:" + hzQ + ",127.0.0.1:" + hzG + ",127.0.0.1:" + hzG2);
    s.put("cluster.memberTimeoutSeconds", "4");
    s.put("cluster.reconcileMs", "250");
    s.put("cluster.loadIntervalMs", "500");
    s.put("cluster.port", String.valueOf(hazelcastPort));
    return s;
  }

  /** Q (quote, gateway, monitor) and G (gateway, monitor), started once for b and c. */
  static synchronized void startCluster() throws InterruptedException {
    if (q != null) {
      return;
    }
    hzQ = NodeProcess.freePort();
    hzG = NodeProcess.freePort();
    hzG2 = NodeProcess.freePort();
    q = NodeProcess.start("sdk-q", "quote,gateway,monitor", clusterSettings(hzQ));
    g = NodeProcess.start("sdk-g", "gateway,monitor", clusterSettings(hzG));
    q.awaitReady(READY_MS);
    g.awaitReady(READY_MS);
  }

  /** The endpoints a node lists, in its order, with their states. */
  static List<String> endpoints(NodeProcess node) {
    JsonObject body = new JsonObject(node.get("/api/v1/endpoints").body());
    List<String> out = new ArrayList<>();
    for (Object o : body.getJsonArray("endpoints")) {
      JsonObject e = (JsonObject) o;
      out.add(e.getString("url") + " " + e.getString("state"));
    }
    return out;
  }

  /** A raw client on {@code node} subscribed to the trade channel: what the server sent, seq -> data. */
  static WsClient truth(NodeProcess node) {
    WsClient raw = WsClient.connect(vertx, node.gatewayPort, "/ws?client=sdk-it-truth");
    cleanup.add(raw::close);
    raw.ok("subscribe", new JsonObject().put("channels", new JsonArray().add(TRADE)));
    return raw;
  }

  /** Every SDK trade that {@code truth} also received has the same payload there (same seq, same epoch). */
  static int assertSameAsTruth(List<Rec> sdk, WsClient truth) {
    Map<String, JsonObject> byKey = new HashMap<>();
    String epoch = null;
    for (JsonObject m : truth.channel(TRADE)) {
      if (WsClient.isSnapshot(m)) {
        epoch = m.getJsonObject("meta").getString("epoch");
      }
      byKey.put(epoch + "/" + m.getLong("seq"), m.getJsonObject("data"));
    }
    int compared = 0;
    for (Rec r : sdk) {
      JsonObject same = byKey.get(r.epoch() + "/" + r.seq());
      if (same != null) {
        assertEquals(same, r.data(), "trade seq " + r.seq() + " as the SDK delivered it and as sent live on Q");
        compared++;
      }
    }
    return compared;
  }

  @Test
  @Order(2)
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void gatewayKilledMidStreamTheSdkResumesOnTheOtherNodeWithoutLoss() throws Exception {
    startCluster();
    WsClient truth = truth(q);
    // Two idle connections on Q, so that G is the least loaded and discovery sends the SDK there.
    for (int i = 0; i < 2; i++) {
      WsClient idle = WsClient.connect(vertx, q.gatewayPort, "/ws?client=sdk-it-idle");
      cleanup.add(idle::close);
    }
    waitUntil(() -> endpoints(g).equals(List.of(g.wsUrl() + " ready", q.wsUrl() + " ready")), 15_000,
        "G listed first, both ready");

    Events startedEvents = null;
    Recorder startedTrades = null;
    Recorder startedQuotes = null;
    QuotecastClient started = null;
    // The fleet's order is live (loads are republished every second): on a loaded machine it can flip between the
    // check above and the SDK's own discovery request. This scenario is about what happens after G dies, so a start
    // that landed on Q is retried; ClusterIT tests the ordering itself.
    for (int attempt = 0; attempt < 5; attempt++) {
      startedEvents = new Events();
      startedTrades = new Recorder(startedEvents);
      startedQuotes = new Recorder(startedEvents);
      // Backoff fixed at 0.9 of its window: the first reconnect comes ~900 ms after the kill, so trades are missed
      // and the resume must replay them.
      started = client(new ClientOptions().setDiscoveryUrl(g.httpUrl()).setClientName("sdk-it-kill")
          .setBackoff(1000, 4000).setRandom(() -> 0.9), startedEvents);
      started.subscribe(TRADE, "realtime", startedTrades);
      started.subscribe(QUOTE, "realtime", startedQuotes);
      started.start().await(10, TimeUnit.SECONDS);
      if (g.wsUrl().equals(startedEvents.url(1))) {
        break;
      }
      System.out.println("[SdkRecoveryIT] b: discovery chose " + startedEvents.url(1) + " (endpoints now "
          + endpoints(g) + "); starting again");
      started.close().await(10, TimeUnit.SECONDS);
      QuotecastServer.sleep(1000);
    }
    Events events = startedEvents;
    Recorder trades = startedTrades;
    Recorder quotes = startedQuotes;
    QuotecastClient client = started;
    assertEquals(g.wsUrl(), events.url(1), "discovery sent the SDK to G");
    waitUntil(() -> trades.size() >= 100 && quotes.size() >= 20, 20_000, "trades and quotes on G");

    long killedAt = System.currentTimeMillis();
    g.kill();
    waitUntil(() -> events.connections >= 2, 20_000, "the SDK to reconnect" + events.summary());
    long reconnectedAt = events.connectedAt(2);
    assertEquals(q.wsUrl(), events.url(2), "with G gone (discovery too), its last answer named Q");
    int atReconnect = trades.size();
    waitUntil(() -> trades.size() >= atReconnect + 200 && quotes.count(r -> r.connection() == 2) >= 20, 20_000,
        "trades and quotes on Q");
    client.close().await(10, TimeUnit.SECONDS);

    List<Rec> all = trades.all();
    Map<String, long[]> ranges = assertContiguousPerEpoch(TRADE, all);
    assertEquals(1, ranges.size(), "one epoch: Q owned the symbol throughout: " + describe(ranges));
    assertTrue(trades.resets().isEmpty(), "no discontinuity reported: " + trades.resets());
    long recovered = trades.count(Rec::recovered);
    assertTrue(recovered > 0, "the outage was filled by replayed trades (meta.recovered)");
    long recoveredOnFirst = trades.count(r -> r.recovered() && r.connection() == 1);
    assertEquals(0, recoveredOnFirst, "replays only after the reconnect");
    // the replayed ones come first on the new connection, then live ones
    List<Rec> onQ = all.stream().filter(r -> r.connection() == 2).toList();
    for (int i = 0; i < recovered; i++) {
      assertTrue(onQ.get(i).recovered(), "replays first on Q, at " + i);
    }
    int compared = assertSameAsTruth(all, truth);
    assertTrue(compared >= 200, "most of the SDK's trades also reached the client on Q: " + compared);
    long lastOnG = all.stream().filter(r -> r.connection() == 1).mapToLong(Rec::seq).max().orElseThrow();
    System.out.printf("[SdkRecoveryIT] b: kill -9 of G -> reconnected to Q in %d ms; trades %s; last seq on G %d, "
            + "%d replayed (meta.recovered) on Q; %d compared with a client on Q; quotes on Q %d, quote resets %s%n",
        reconnectedAt - killedAt, describe(ranges), lastOnG, recovered, compared,
        quotes.count(r -> r.connection() == 2), quotes.resets());
  }

  @Test
  @Order(3)
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void gracefullyStoppedGatewayTheSdkFollowsTheNoticeWithoutLoss() throws Exception {
    startCluster();
    // G2 takes one connection: a second client is refused with 503 before the upgrade (the SDK's other path to Q)
    Map<String, String> g2Settings = clusterSettings(hzG2);
    g2Settings.put("limits.connectionsPerNode", "1");
    NodeProcess g2 = NodeProcess.start("sdk-g2", "gateway,monitor", g2Settings);
    try {
      g2.awaitReady(READY_MS);
      waitUntil(() -> endpoints(g2).contains(q.wsUrl() + " ready"), 15_000, "G2 to know Q (for its notice)");
      WsClient truth = truth(q);

      Events events = new Events();
      Recorder trades = new Recorder(events);
      Recorder quotes = new Recorder(events);
      // A backoff of at least 4.95 s: reconnecting sooner than that can only be the notice's doing.
      QuotecastClient client = client(new ClientOptions().setUrl(g2.wsUrl()).setClientName("sdk-it-drain")
          .setBackoff(5000, 10_000).setRandom(() -> 0.99), events);
      client.subscribe(TRADE, "realtime", trades);
      client.subscribe(QUOTE, "realtime", quotes);
      client.start().await(10, TimeUnit.SECONDS);
      waitUntil(() -> trades.size() >= 100 && quotes.size() >= 20, 20_000, "trades and quotes on G2");

      // G2 is full now: another SDK client with G2's URL is refused (503, Retry-After, endpoints [Q]) and goes to
      // Q within the same attempt, before any backoff (which would be >= 4.95 s here)
      Events refusedEvents = new Events();
      Recorder refusedTrades = new Recorder(refusedEvents);
      QuotecastClient refusedClient = client(new ClientOptions().setUrl(g2.wsUrl()).setClientName("sdk-it-full")
          .setBackoff(5000, 10_000).setRandom(() -> 0.99), refusedEvents);
      refusedClient.subscribe(TRADE, "realtime", refusedTrades);
      long refusedStart = System.currentTimeMillis();
      refusedClient.start().await(10, TimeUnit.SECONDS);
      long refusedTook = System.currentTimeMillis() - refusedStart;
      Object[] refusal;
      synchronized (refusedEvents) {
        assertEquals(1, refusedEvents.refusals.size(), refusedEvents.summary());
        assertTrue(refusedEvents.disconnected.isEmpty(), "no backoff: " + refusedEvents.summary());
        refusal = refusedEvents.refusals.get(0);
      }
      assertEquals(g2.wsUrl(), refusal[0]);
      assertEquals(503, refusal[1]);
      assertEquals(List.of(q.wsUrl()), refusal[3], "the refusal named Q");
      assertTrue((long) refusal[2] >= 1000, "Retry-After honoured as the rest of G2: " + refusal[2]);
      assertEquals(q.wsUrl(), refusedEvents.url(1));
      waitUntil(() -> refusedTrades.size() >= 20, 10_000, "trades for the refused client, on Q");
      refusedClient.close().await(10, TimeUnit.SECONDS);
      System.out.printf("[SdkRecoveryIT] c: a client refused by full G2 (503, retry after %d ms) connected to Q "
          + "in %d ms%n", (long) refusal[2], refusedTook);

      long stopAt = System.currentTimeMillis();
      CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
        try {
          return g2.stop(25_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return -2;
        }
      });
      waitUntil(() -> events.connections >= 2, 15_000, "the SDK to move" + events.summary());
      long reconnectedAt = events.connectedAt(2);
      int atReconnect = trades.size();
      waitUntil(() -> trades.size() >= atReconnect + 200 && quotes.count(r -> r.connection() == 2) >= 20, 20_000,
          "trades and quotes after the move");
      client.close().await(10, TimeUnit.SECONDS);

      JsonObject notice;
      long noticeAt;
      synchronized (events) {
        assertEquals(1, events.notices.size(), events.summary());
        notice = (JsonObject) events.notices.get(0)[0];
        noticeAt = (long) events.notices.get(0)[1];
      }
      assertEquals("shutdown", notice.getString("event"), notice.encode());
      List<?> named = notice.getJsonArray("endpoints").getList();
      assertEquals(List.of(q.wsUrl()), named, "the one other gateway: " + notice.encode());
      assertEquals(q.wsUrl(), events.url(2), "the SDK went where the notice said");
      assertTrue(events.refusals.isEmpty(), "it did not knock at the draining node first: " + events.summary());
      long after = notice.getLong("reconnectAfterMs");
      long took = reconnectedAt - noticeAt;
      assertTrue(took >= after - 20 && took <= after + 2000 && took < 4950,
          "reconnected " + took + " ms after the notice, which said " + after + " ms (backoff alone: >= 4950)");

      List<Rec> all = trades.all();
      Map<String, long[]> ranges = assertContiguousPerEpoch(TRADE, all);
      assertEquals(1, ranges.size(), "one epoch: " + describe(ranges));
      assertTrue(trades.resets().isEmpty(), "no discontinuity reported: " + trades.resets());
      int compared = assertSameAsTruth(all, truth);
      assertTrue(compared >= 200, "compared with a client on Q: " + compared);
      int code = exit.get(30, TimeUnit.SECONDS);
      // 143 = 128 + SIGTERM: the JVM's exit status after its shutdown hooks ran (-1 would mean it had to be killed)
      assertTrue(code == 0 || code == 143, "G2 exited by itself after draining: " + code + "\n" + g2.tail(30));
      System.out.printf("[SdkRecoveryIT] c: SIGTERM of G2 -> notice reconnectAfterMs %d, endpoints %s; moved to Q "
              + "%d ms after the notice (%d ms after SIGTERM); trades %s; %d replayed (meta.recovered); %d compared "
              + "with a client on Q; G2 exit %d%n", after, named, took, reconnectedAt - stopAt, describe(ranges),
          trades.count(Rec::recovered), compared, code);
    } finally {
      g2.close();
    }
  }
}
