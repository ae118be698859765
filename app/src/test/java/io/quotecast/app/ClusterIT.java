package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three Quotecast nodes as separate processes clustered over Hazelcast on 127.0.0.1: A and B run quote + gateway, C
 * runs gateway only. The steps build on each other (one fleet, started once): identical streams and REST answers on
 * every node; the endpoints list; an overloaded node's refusal and rebalancing; {@code kill -9} of quote node B and the
 * takeover of its symbols; a graceful stop of gateway C and its clients moving.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  static final List<String> SYMBOLS = List.of("600519.SH", "000001.SZ", "600036.SH", "000858.SZ", "601318.SH",
      "000333.SZ", "600276.SH", "002415.SZ", "600000.SH", "601166.SH", "000651.SZ", "600030.SH", "000725.SZ",
      "601012.SH", "300750.SZ", "002594.SZ");
  /** Stated failover bound: member timeout (4 s) + reconcile (0.25 s) + takeover work, with room for a slow CI box. */
  static final long TAKEOVER_BOUND_MS = 15_000;
  static final int C_LIMIT = 6;

  static Vertx vertx;
  static NodeProcess a;
  static NodeProcess b;
  static NodeProcess c;
  static final List<WsClient> clients = new ArrayList<>();

  @BeforeAll
  static void startFleet() throws Exception {
    vertx = Vertx.vertx();
    int pa = NodeProcess.freePort();
    int pb = NodeProcess.freePort();
    int pc = NodeProcess.freePort();
    Map<String, String> common = new LinkedHashMap<>();
    common.put("cluster.host", "127.0.0.1");
    common.put("cluster.members", "127.0.0.1:" + pa + ",127.0.0.1:" + pb + ",127.0.0.1:" + pc);
    common.put("cluster.memberTimeoutSeconds", "4");
    common.put("cluster.reconcileMs", "250");
    common.put("cluster.loadIntervalMs", "500");
    common.put("simulator.updatesPerSecond", "2000");
    common.put("simulator.skew", "0");
    common.put("history.trade", "100");
    common.put("tiers.free.minFreq", "realtime");
    common.put("log.level", "INFO");
    a = NodeProcess.start("node-a", "quote,gateway,monitor", with(common, "cluster.port", pa));
    b = NodeProcess.start("node-b", "quote,gateway,monitor", with(common, "cluster.port", pb));
    Map<String, String> cSettings = with(common, "cluster.port", pc);
    cSettings.put("limits.connectionsPerNode", String.valueOf(C_LIMIT));
    cSettings.put("cluster.rebalanceThreshold", "0.5");
    cSettings.put("cluster.rebalanceMinConnections", "4");
    cSettings.put("cluster.rebalanceSpreadMs", "1500");
    // node-c's own listings hold three symbols: it must serve the cluster's universe all the same
    java.nio.file.Path small = java.nio.file.Path.of("target", "cluster-it", "node-c-listings.csv").toAbsolutePath();
    java.nio.file.Files.createDirectories(small.getParent());
    java.nio.file.Files.writeString(small, String.join("\n", io.quotecast.common.ListingLoader.readConfigured("")
        .lines().limit(4).toList()) + "\n");
    cSettings.put("symbols.listingsFile", small.toString());
    c = NodeProcess.start("node-c", "gateway,monitor", cSettings);
    for (NodeProcess n : List.of(a, b, c)) {
      n.awaitReady(90_000);
    }
    // Ownership settles within a reconcile period or two after the last quote node joined.
    Thread.sleep(1500);
  }

  private static Map<String, String> with(Map<String, String> base, String key, int value) {
    Map<String, String> m = new LinkedHashMap<>(base);
    m.put(key, String.valueOf(value));
    return m;
  }

  @AfterAll
  static void stopFleet() throws Exception {
    clients.forEach(WsClient::close);
    for (NodeProcess n : new NodeProcess[] {a, b, c}) {
      if (n != null) {
        n.close();
      }
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  static WsClient open(NodeProcess node) {
    WsClient client = WsClient.open(vertx, node.gatewayPort, "/ws?client=cluster-it");
    clients.add(client);
    return client;
  }

  static WsClient subscribed(NodeProcess node) {
    WsClient client = open(node);
    JsonArray channels = new JsonArray();
    SYMBOLS.forEach(s -> channels.add("quote:" + s));
    JsonObject reply = client.ok("subscribe", new JsonObject().put("channels", channels));
    assertEquals(SYMBOLS.size(), reply.getJsonArray("subscribed").size(), reply::encode);
    return client;
  }

  /** A channel message with the epoch it belongs to: live messages carry none, they continue the last snapshot's. */
  record Pub(String epoch, long seq, JsonObject data, boolean snapshot) {
  }

  static List<Pub> pubs(WsClient client, String ch) {
    List<Pub> out = new ArrayList<>();
    String epoch = null;
    for (JsonObject m : client.channel(ch)) {
      if (WsClient.isSnapshot(m)) {
        epoch = m.getJsonObject("meta").getString("epoch");
      }
      out.add(new Pub(epoch, m.getLong("seq"), m.getJsonObject("data"), WsClient.isSnapshot(m)));
    }
    return out;
  }

  /** seq -> data per epoch of one channel as a client received it. */
  static Map<String, TreeMap<Long, JsonObject>> stream(WsClient client, String ch) {
    Map<String, TreeMap<Long, JsonObject>> out = new HashMap<>();
    for (Pub p : pubs(client, ch)) {
      out.computeIfAbsent(p.epoch(), k -> new TreeMap<>()).put(p.seq(), p.data());
    }
    return out;
  }

  static String lastEpoch(WsClient client, String ch) {
    List<Pub> list = pubs(client, ch);
    return list.isEmpty() ? null : list.get(list.size() - 1).epoch();
  }

  static WsClient ca;
  static WsClient cb;
  static WsClient cc;

  @Test
  @Order(1)
  void everyNodeServesTheSameStreamsAndRestAnswers() throws Exception {
    ca = subscribed(a);
    cb = subscribed(b);
    cc = subscribed(c);
    Thread.sleep(4000);
    int compared = 0;
    for (String s : SYMBOLS) {
      String ch = "quote:" + s;
      Map<String, TreeMap<Long, JsonObject>> sa = stream(ca, ch);
      Map<String, TreeMap<Long, JsonObject>> sb = stream(cb, ch);
      Map<String, TreeMap<Long, JsonObject>> sc = stream(cc, ch);
      assertEquals(1, sa.size(), ch + " has one epoch on A: " + sa.keySet());
      assertEquals(sa.keySet(), sb.keySet(), ch + ": same epoch on A and B");
      assertEquals(sa.keySet(), sc.keySet(), ch + ": same epoch on A and C");
      for (String epoch : sa.keySet()) {
        for (Map.Entry<Long, JsonObject> e : sa.get(epoch).entrySet()) {
          for (Map<String, TreeMap<Long, JsonObject>> other : List.of(sb, sc)) {
            JsonObject same = other.get(epoch).get(e.getKey());
            if (same != null) {
              assertEquals(e.getValue(), same, ch + " seq " + e.getKey() + " differs between nodes");
              compared++;
            }
          }
        }
      }
    }
    assertTrue(compared > SYMBOLS.size() * 4, "streams overlap on many publications: " + compared);
    // Interest-based routing: node-c consumes exactly the 16 channels its client wants, one consumer each.
    JsonObject gatewayC = new JsonObject(c.ops("/stats").body()).getJsonObject("gateway");
    assertEquals(SYMBOLS.size(), gatewayC.getInteger("feeds"), gatewayC::encode);
    assertEquals(SYMBOLS.size(), gatewayC.getInteger("consumers"), gatewayC::encode);

    // REST on any node answers with a publication of the stream the WebSocket on another node carries.
    for (String s : SYMBOLS.subList(0, 6)) {
      for (NodeProcess node : List.of(b, c)) {
        HttpResponse<String> r = node.get("/api/v1/quotes/" + s);
        assertEquals(200, r.statusCode(), r::body);
        JsonObject q = new JsonObject(r.body());
        String ch = "quote:" + s;
        long seq = q.getLong("seq");
        ca.waitUntil(() -> pubs(ca, ch).stream().anyMatch(p -> p.seq() >= seq), 5000, ch + " seq " + seq);
        Pub pushed = pubs(ca, ch).stream().filter(p -> p.seq() == seq).findFirst().orElseThrow();
        assertEquals(q.getString("epoch"), pushed.epoch(), ch);
        assertEquals(pushed.data(), q.getJsonObject("data"),
            "REST on " + node.name + " and the WebSocket on node-a agree on " + ch + " seq " + seq);
      }
    }
    // Reference data comes from the cluster's shared cache: node-c (started with a 3-symbol file) serves the same.
    for (String path : List.of("/api/v1/symbols/600519.SH", "/api/v1/symbols?q=gzmt", "/api/v1/symbols?q=600&limit=50")) {
      HttpResponse<String> onA = a.get(path);
      assertEquals(200, onA.statusCode(), onA::body);
      assertEquals(new JsonObject(onA.body()), new JsonObject(c.get(path).body()), path + " on node-a and node-c");
    }
    // Daily bars: the closed ones are the same on every node.
    JsonArray closedA = closedBars(a.get("/api/v1/klines/600519.SH?interval=1d&limit=10"));
    assertFalse(closedA.isEmpty());
    assertEquals(closedA, closedBars(b.get("/api/v1/klines/600519.SH?interval=1d&limit=10")));
    assertEquals(closedA, closedBars(c.get("/api/v1/klines/600519.SH?interval=1d&limit=10")));
  }

  private static JsonArray closedBars(HttpResponse<String> r) {
    assertEquals(200, r.statusCode(), r::body);
    Object body = io.vertx.core.json.Json.decodeValue(r.body());
    JsonArray bars = body instanceof JsonArray arr ? arr : ((JsonObject) body).getJsonArray("bars",
        ((JsonObject) body).getJsonArray("klines"));
    assertNotNull(bars, r.body());
    JsonArray closed = new JsonArray();
    bars.forEach(bar -> {
      if (((JsonObject) bar).getBoolean("closed", false)) {
        closed.add(bar);
      }
    });
    return closed;
  }

  @Test
  @Order(2)
  void endpointsListEveryGatewayLeastLoadedFirst() throws Exception {
    WsClient extra1 = open(a);
    WsClient extra2 = open(a);
    Thread.sleep(1500); // two load reports
    JsonArray endpoints = new JsonObject(c.get("/api/v1/endpoints").body()).getJsonArray("endpoints");
    assertEquals(3, endpoints.size(), endpoints::encode);
    List<String> urls = new ArrayList<>();
    double previous = -1;
    for (Object o : endpoints) {
      JsonObject e = (JsonObject) o;
      urls.add(e.getString("url"));
      double share = (double) e.getInteger("connections") / e.getInteger("maxConnections");
      assertTrue(share >= previous, "least loaded (connections / limit) first: " + endpoints.encode());
      previous = share;
    }
    assertTrue(urls.containsAll(List.of(a.wsUrl(), b.wsUrl(), c.wsUrl())), urls::toString);
    assertTrue(urls.indexOf(b.wsUrl()) < urls.indexOf(a.wsUrl()), "node-a holds more: " + endpoints.encode());
    extra1.close();
    extra2.close();
  }

  @Test
  @Order(3)
  void anOverloadedNodeRefusesNamingOthersAndRebalances() throws Exception {
    List<WsClient> onC = new ArrayList<>();
    for (int i = 1; i < C_LIMIT; i++) { // cc is the first
      onC.add(open(c));
    }
    String refused = upgradeRequest(c);
    assertTrue(refused.startsWith("HTTP/1.1 503"), refused);
    assertTrue(refused.toLowerCase(java.util.Locale.ROOT).contains("\r\nretry-after: "), refused);
    JsonObject problem = new JsonObject(refused.substring(refused.indexOf("\r\n\r\n") + 4));
    assertEquals("UNAVAILABLE", problem.getString("code"));
    List<Object> alternatives = problem.getJsonArray("endpoints").getList();
    assertFalse(alternatives.isEmpty(), problem::encode);
    assertFalse(alternatives.toString().contains(":" + c.gatewayPort + "/"), "names other nodes: " + alternatives);
    assertEquals(503, WsClient.handshakeStatus(vertx, c.gatewayPort, "/ws", null));

    // C holds 6 of 8 connections (avg 2.67, threshold 1.5 x avg = 4): it asks the excess (about 3) to move.
    List<WsClient> all = new ArrayList<>(onC);
    all.add(cc);
    long deadline = System.currentTimeMillis() + 10_000;
    List<WsClient> moved = new ArrayList<>();
    while (System.currentTimeMillis() < deadline) {
      moved.clear();
      for (WsClient client : all) {
        if (rebalanceNotice(client) != null) {
          moved.add(client);
        }
      }
      if (moved.size() >= 2) {
        break;
      }
      Thread.sleep(200);
    }
    assertTrue(moved.size() >= 1 && moved.size() < all.size(),
        "a fraction of node-c's clients is asked to move: " + moved.size() + " of " + all.size());
    for (WsClient client : moved) {
      JsonObject notice = rebalanceNotice(client);
      JsonArray endpoints = notice.getJsonArray("endpoints");
      assertFalse(endpoints.isEmpty(), notice::encode);
      assertFalse(endpoints.encode().contains(":" + c.gatewayPort + "/"), notice::encode);
      assertEquals(1001, client.awaitClose(10_000), "closed after reconnectAfterMs");
    }
    if (moved.contains(cc)) {
      cc = all.stream().filter(x -> !moved.contains(x)).findFirst().orElseThrow();
      JsonArray channels = new JsonArray();
      SYMBOLS.forEach(s -> channels.add("quote:" + s));
      cc.ok("subscribe", new JsonObject().put("channels", channels));
    }
    // Back to one client on node-c, below rebalanceMinConnections, so the next steps see no further rebalancing.
    all.stream().filter(x -> x != cc && !moved.contains(x)).forEach(WsClient::close);
  }

  /** The raw HTTP answer (status line, headers, body) to a WebSocket upgrade request, for refusals. */
  private static String upgradeRequest(NodeProcess node) throws java.io.IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.gatewayPort)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      int contentLength = -1;
      int headerEnd = -1;
      while (headerEnd < 0 || out.size() < headerEnd + 4 + Math.max(0, contentLength)) {
        int n = socket.getInputStream().read(buf);
        if (n < 0) {
          break;
        }
        out.write(buf, 0, n);
        String text = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        headerEnd = text.indexOf("\r\n\r\n");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(text);
        if (headerEnd >= 0 && m.find()) {
          contentLength = Integer.parseInt(m.group(1));
        }
      }
      return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private static JsonObject rebalanceNotice(WsClient client) {
    for (JsonObject m : client.messages()) {
      if ("notice".equals(m.getString("type")) && "rebalance".equals(m.getJsonObject("data").getString("event"))) {
        return m.getJsonObject("data");
      }
    }
    return null;
  }

  @Test
  @Order(4)
  void symbolsOfAKilledQuoteNodeResumeOnTheOtherWithANewEpoch() throws Exception {
    Map<String, String> epochBefore = new HashMap<>();
    for (String s : SYMBOLS) {
      epochBefore.put(s, lastEpoch(ca, "quote:" + s));
    }
    int[] seen = new int[SYMBOLS.size()];
    for (int i = 0; i < SYMBOLS.size(); i++) {
      seen[i] = ca.channel("quote:" + SYMBOLS.get(i)).size();
    }
    long killedAt = System.currentTimeMillis();
    b.kill();
    Map<String, Long> takeover = new TreeMap<>();
    long deadline = killedAt + TAKEOVER_BOUND_MS + 10_000;
    while (System.currentTimeMillis() < deadline) {
      long now = System.currentTimeMillis();
      for (int i = 0; i < SYMBOLS.size(); i++) {
        String s = SYMBOLS.get(i);
        List<Pub> msgs = pubs(ca, "quote:" + s);
        for (int k = seen[i]; k < msgs.size(); k++) {
          Pub m = msgs.get(k);
          if (!epochBefore.get(s).equals(m.epoch()) && !takeover.containsKey(s)) {
            takeover.put(s, now - killedAt);
            assertTrue(m.snapshot(), "the first message of a new epoch is a snapshot: " + s + " " + m);
          }
        }
        seen[i] = msgs.size();
      }
      // Takeovers come together (one member-removal event): stop 2 s after the last one seen.
      long lastTakeover = takeover.values().stream().mapToLong(Long::longValue).max().orElse(Long.MAX_VALUE / 2);
      if (now - killedAt > lastTakeover + 2000) {
        break;
      }
      Thread.sleep(50);
    }
    System.out.println("[ClusterIT] takeover after kill -9 of node-b, ms per moved symbol: " + takeover);
    assertFalse(takeover.isEmpty(), "node-b owned some of the 16 symbols; they must move to node-a");
    takeover.forEach((s, ms) -> assertTrue(ms <= TAKEOVER_BOUND_MS, s + " resumed after " + ms + " ms"));
    for (String s : SYMBOLS) {
      assertNoTwoProducers(ca, "node-a", "quote:" + s);
      assertNoTwoProducers(cc, "node-c", "quote:" + s);
    }
    // Every symbol (moved or not) still produces: no symbol left unproduced.
    for (String s : SYMBOLS) {
      int before = ca.channel("quote:" + s).size();
      ca.waitUntil(() -> ca.channel("quote:" + s).size() > before, 10_000, s + " to keep producing");
    }
    for (NodeProcess node : List.of(a, c)) {
      JsonObject gw = new JsonObject(node.ops("/stats").body()).getJsonObject("gateway");
      assertEquals(0, gw.getLong("gapsUnfilled"), node.name + ": every bus gap was filled: " + gw.encode());
    }
    // And node-c's client sees the same new epochs.
    for (String s : takeover.keySet()) {
      String epoch = lastEpoch(ca, "quote:" + s);
      cc.waitUntil(() -> epoch.equals(lastEpoch(cc, "quote:" + s)), 5000, "node-c on the new epoch");
    }
  }

  /** Once a new epoch appears the old one never does again, and seq grows by one within each epoch. */
  static void assertNoTwoProducers(WsClient client, String node, String ch) {
    List<String> epochs = new ArrayList<>();
    long prevSeq = 0;
    for (Pub m : pubs(client, ch)) {
      String epoch = m.epoch();
      if (epochs.isEmpty() || !epochs.get(epochs.size() - 1).equals(epoch)) {
        assertFalse(epochs.contains(epoch), ch + ": epoch " + epoch + " came back after " + epochs
            + " — two producers");
        epochs.add(epoch);
      } else {
        long expected = prevSeq + 1;
        assertEquals(expected, m.seq(), () -> ch + " on " + node + ": seq within epoch " + epoch + "; around: "
            + client.channel(ch).stream().filter(x -> Math.abs(x.getLong("seq") - expected) <= 3)
                .map(x -> x.getLong("seq") + "@" + x.getLong("ts")).toList());
      }
      prevSeq = m.seq();
    }
  }

  @Test
  @Order(5)
  void aGracefullyStoppedGatewayMovesItsClientsElsewhere() throws Exception {
    WsClient client = cc;
    long t0 = System.currentTimeMillis();
    int exit = c.stop(20_000);
    JsonObject notice = client.waitFor(m -> "notice".equals(m.getString("type"))
        && "shutdown".equals(m.getJsonObject("data").getString("event")), 5000);
    assertEquals(1012, client.awaitClose(10_000));
    JsonArray endpoints = notice.getJsonObject("data").getJsonArray("endpoints");
    long after = notice.getJsonObject("data").getLong("reconnectAfterMs");
    assertTrue(after >= 0 && after <= 2000, "spread within shutdown.drainMs: " + notice.encode());
    assertTrue(exit != -1, "node-c exited within its shutdown timeout");
    assertEquals(List.of(a.wsUrl()), endpoints.getList(), "the one live gateway left: " + notice.encode());
    System.out.println("[ClusterIT] node-c stopped in " + (System.currentTimeMillis() - t0) + " ms, exit " + exit);
    // The client follows the notice: reconnects to the named endpoint and carries on.
    String url = endpoints.getString(0);
    int port = Integer.parseInt(url.replaceAll(".*:(\\d+)/ws$", "$1"));
    WsClient moved = WsClient.open(vertx, port, "/ws?client=cluster-it-moved");
    clients.add(moved);
    moved.ok("subscribe", new JsonObject().put("channels", new JsonArray().add("quote:600519.SH")));
    assertFalse(moved.waitForChannel("quote:600519.SH", 2, 10_000).isEmpty());
  }
}
