package io.quotecast.app;

import static io.quotecast.app.WsClient.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** welcome, ping, list, snapshot, ack, configure: the request/reply ops of PROTOCOL.md §2 and §4 (not subscribing). */
class SessionRequestsTest extends SharedServerTest {

  @Test
  void welcomeComesFirstAndDescribesTheConnection() {
    WsClient c = client("/ws?client=quotecast-tests/1.0");
    JsonObject welcome = c.messages().get(0);
    assertEquals("welcome", welcome.getString("type"));
    assertTrue(welcome.getValue("ts") instanceof Number, "ts");
    JsonObject data = welcome.getJsonObject("data");
    assertTrue(data.getString("connectionId", "").length() > 0, "connectionId");
    assertEquals("node-1", data.getString("node"));
    assertEquals(1, data.getInteger("protocol"));
    assertEquals(15000, data.getInteger("heartbeatMs"));
    assertEquals(45000, data.getInteger("idleTimeoutMs"));
    assertEquals(new JsonObject().put("id", "anonymous").put("tier", "free").put("anonymous", true)
        .put("scopes", new JsonArray(List.of("md:kline", "md:quote", "md:trade"))), data.getJsonObject("user"));
    JsonObject limits = data.getJsonObject("limits");
    assertEquals(SharedServer.SUBSCRIPTIONS_PER_CONNECTION, limits.getInteger("subscriptions"));
    assertEquals(20, limits.getInteger("requestsPerSecond"));
    assertEquals(65536, limits.getInteger("maxMessageBytes"));
    assertEquals("realtime", limits.getString("minFreq"));
    assertEquals("free", limits.getString("tier"));
    assertEquals(new JsonArray(List.of("realtime", "100ms", "250ms", "500ms", "1s", "3s", "5s", "10s", "1m")),
        data.getJsonArray("freqs"));
    JsonArray sources = data.getJsonArray("sources");
    assertNotNull(sources, "sources");
    assertTrue(sources.stream().map(JsonObject.class::cast)
        .anyMatch(s -> "simulator".equals(s.getString("source")) && "up".equals(s.getString("state"))),
        () -> "sources: " + sources);
    assertEquals("websocket", data.getString("transport"));
  }

  @Test
  void pingRepliesWithServerTime() {
    WsClient c = client();
    long before = System.currentTimeMillis();
    JsonObject reply = c.request("ping");
    assertEquals("result", reply.getString("type"));
    assertTrue(reply.getString("id").startsWith("r"));
    long serverTime = reply.getJsonObject("data").getLong("serverTime");
    assertTrue(Math.abs(serverTime - before) < 60_000, "serverTime " + serverTime);
  }

  @Test
  void requestWithoutIdGetsReplyWithNullId() {
    WsClient c = client();
    c.sendRaw("{\"op\":\"ping\"}");
    JsonObject reply = c.waitFor(m -> "result".equals(m.getString("type")), WsClient.WAIT_MS);
    assertTrue(reply.containsKey("id"), "reply must carry id: null: " + reply);
    assertNull(reply.getValue("id"));
    assertNotNull(reply.getJsonObject("data").getLong("serverTime"));
  }

  @Test
  void listShowsSubscriptionsLimitsAndConnection() {
    WsClient c = client("/ws?client=quotecast-tests/1.0");
    String connectionId = c.welcome().getJsonObject("data").getString("connectionId");
    JsonObject empty = c.ok("list");
    assertEquals(0, empty.getJsonArray("subscriptions").size());

    c.ok("subscribe", args("channels", List.of("quote:" + BUSY, "trade:" + BUSY), "freq", "1s"));
    c.waitForChannel("quote:" + BUSY, 2, WsClient.WAIT_MS); // snapshot + one conflated message
    JsonObject list = c.ok("list");
    JsonArray subs = list.getJsonArray("subscriptions");
    assertEquals(2, subs.size(), () -> "subscriptions: " + subs);
    JsonObject quote = subs.stream().map(JsonObject.class::cast)
        .filter(s -> ("quote:" + BUSY).equals(s.getString("ch"))).findFirst().orElseThrow();
    for (String field : List.of("ch", "freq", "subscribedAt", "seq", "epoch", "sent", "conflated", "lastSentAt")) {
      assertTrue(quote.containsKey(field), () -> "list entry lacks " + field + ": " + quote);
    }
    assertEquals("1s", quote.getString("freq"));
    assertTrue(quote.getLong("seq") > 0);
    assertTrue(quote.getLong("sent") >= 2, () -> "sent: " + quote);
    assertNotNull(quote.getString("epoch"));
    assertNotNull(quote.getLong("lastSentAt"));

    JsonObject limits = list.getJsonObject("limits");
    assertEquals(SharedServer.SUBSCRIPTIONS_PER_CONNECTION, limits.getInteger("subscriptions"));
    JsonObject conn = list.getJsonObject("connection");
    assertEquals(connectionId, conn.getString("connectionId"));
    assertEquals("websocket", conn.getString("transport"));
    assertEquals("quotecast-tests/1.0", conn.getString("client"));
    assertEquals(0, conn.getInteger("batch"));
    assertTrue(conn.getLong("connectedAt") > 0);
    assertTrue(conn.getLong("received") >= 3, () -> "received: " + conn); // list, subscribe, list
    assertTrue(conn.getLong("sent") >= 4, () -> "sent: " + conn);
    assertTrue(conn.getLong("bytesSent") > 0);
  }

  @Test
  void snapshotOpReturnsStateWithoutSubscribing() {
    WsClient c = client();
    JsonObject data = c.ok("snapshot", args("channels", List.of("quote:600519.sh", "quote:600520.SH")));
    JsonArray snapshots = data.getJsonArray("snapshots");
    assertEquals(1, snapshots.size(), () -> "snapshots: " + snapshots);
    JsonObject snap = snapshots.getJsonObject(0);
    assertEquals("quote:" + BUSY, snap.getString("ch"));
    assertTrue(snap.getLong("seq") > 0);
    assertNotNull(snap.getString("epoch"));
    assertEquals(BUSY, snap.getJsonObject("data").getString("symbol"));
    assertEquals("贵州茅台", snap.getJsonObject("data").getString("name"));

    JsonArray rejected = data.getJsonArray("rejected");
    assertEquals(1, rejected.size(), () -> "rejected: " + rejected);
    JsonObject r = rejected.getJsonObject(0);
    assertEquals("INVALID_SYMBOL", r.getString("code"));
    assertTrue(suggests(r.getJsonArray("suggestions"), BUSY), () -> "suggestions: " + r);

    JsonObject byName = c.ok("snapshot", args("channels", List.of("quote:gzmt", "foo:600519.SH")));
    assertEquals(0, byName.getJsonArray("snapshots").size());
    JsonObject gzmt = byName.getJsonArray("rejected").getJsonObject(0);
    assertEquals("INVALID_SYMBOL", gzmt.getString("code"), gzmt::encode);
    assertTrue(suggests(gzmt.getJsonArray("suggestions"), BUSY), gzmt::encode);
    JsonObject foo = byName.getJsonArray("rejected").getJsonObject(1);
    assertEquals("INVALID_CHANNEL", foo.getString("code"), foo::encode);
    assertTrue(foo.getJsonArray("allowed").contains("quote"), foo::encode);

    assertEquals(0, c.ok("list").getJsonArray("subscriptions").size(), "snapshot must not subscribe");
    QuotecastServer.sleep(500);
    assertTrue(c.messages().stream().noneMatch(m -> m.containsKey("ch")), () -> "channel data arrived: " + c.tail(3));
  }

  @Test
  void ackIsRecordedAndShownInList() {
    WsClient c = client();
    String ch = "quote:" + BUSY;
    JsonObject sub = c.ok("subscribe", subscribeArgs(ch));
    long seq = sub.getJsonArray("subscribed").getJsonObject(0).getLong("seq");
    JsonObject acked = c.ok("ack", args("acks", new JsonObject().put(ch, seq)));
    assertEquals(new JsonObject().put(ch, seq), acked.getJsonObject("acked"));
    JsonObject entry = c.ok("list").getJsonArray("subscriptions").getJsonObject(0);
    assertEquals(seq, entry.getLong("acked"), () -> "list entry: " + entry);
    assertTrue(entry.getLong("ackedAt") > 0, () -> "list entry: " + entry);
    assertEquals(entry.getLong("seq") - seq, entry.getLong("ackLag"), () -> "lag = delivered - acked: " + entry);
    // The busy symbol keeps publishing: the lag grows until the client acks again.
    assertTrue(QuotecastServer.poll(() -> c.ok("list").getJsonArray("subscriptions").getJsonObject(0)
        .getLong("ackLag") > 0, 5000), "unacknowledged deliveries show as lag");

    c.error("ack", args("acks", new JsonObject().put("quote:000001.SZ", 1)), "NOT_SUBSCRIBED");
    JsonObject bad = c.error("ack", args("acks", new JsonObject().put(ch, "x")), "BAD_REQUEST");
    assertEquals("acks", bad.getString("field"));
  }

  @Test
  void configureBatchCombinesMessagesInOrder() {
    WsClient c = client();
    JsonObject options = c.ok("configure", args("batch", 100));
    assertEquals(100, options.getInteger("batch"));
    String quote = "quote:" + BUSY;
    String trade = "trade:" + BUSY;
    c.ok("subscribe", subscribeArgs(quote, trade));
    c.waitForChannel(quote, 60, WsClient.WAIT_MS);
    c.waitUntil(() -> c.frames().stream().anyMatch(f -> "batch".equals(f.getString("type"))), WsClient.WAIT_MS,
        "a batch frame");
    JsonObject batch = c.frames().stream().filter(f -> "batch".equals(f.getString("type"))).findFirst().orElseThrow();
    assertTrue(batch.getValue("ts") instanceof Number);
    assertTrue(batch.getJsonArray("data").size() >= 2);
    assertTrue(c.frames().size() < c.messages().size(), "batching must combine messages into fewer frames");

    JsonObject off = c.ok("configure", args("batch", 0));
    assertEquals(0, off.getInteger("batch"));
    int framesAtOff = c.frames().size();
    c.waitForChannel(quote, c.channel(quote).size() + 20, WsClient.WAIT_MS);
    List<JsonObject> all = c.frames(); // one copy: a frame arriving between two calls would break subList
    List<JsonObject> later = all.subList(framesAtOff, all.size());
    assertTrue(later.stream().noneMatch(f -> "batch".equals(f.getString("type"))),
        "no batch frames after configure batch 0");

    // Flattened, the realtime channels stay gap-free across batched and unbatched delivery.
    SeqAssert.contiguous(c.channel(quote));
    SeqAssert.contiguous(c.channel(trade));
  }

  @Test
  void batchAsConnectParameter() {
    WsClient c = client("/ws?batch=50");
    assertEquals(50, c.welcome().getJsonObject("data").getInteger("batch"));
    assertEquals(50, c.ok("list").getJsonObject("connection").getInteger("batch"));
  }

  @Test
  void configureRejectsBadBatch() {
    WsClient c = client();
    JsonObject e = c.error("configure", args("batch", 100_000), "BAD_REQUEST");
    assertEquals("batch", e.getString("field"));
    assertEquals(0, c.ok("list").getJsonObject("connection").getInteger("batch"));
    assertFalse(c.isClosed());
  }
}
