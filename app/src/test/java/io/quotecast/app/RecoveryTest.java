package io.quotecast.app;

import static io.quotecast.app.WsClient.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Recovery without loss (PROTOCOL.md §4 {@code since}/{@code resume}, §6): a client that reconnects, or that saw a
 * gap, gets exactly what it missed with meta.recovered, then the live stream with no gap and no duplicate; a gap the
 * server cannot replay is reported in notRecovered and followed by a snapshot.
 */
class RecoveryTest {
  private static final String BUSY = SharedServerTest.BUSY;
  private static final String TRADES = "trade:" + BUSY;
  private static final String QUOTES = "quote:" + BUSY;
  /** recovery.maxMessages of this node; history.quote is larger, so a gap between them is refused by the bound. */
  // The busy symbol trades a few hundred times a second here: the bound must leave a loaded machine seconds between
  // a client's close and its reconnect, or a slow run finds the gap "too long" and the recovery tests flake.
  private static final int MAX_MESSAGES = 500;
  private static final int QUOTE_HISTORY = 1200;

  private static QuotecastServer server;
  private final List<WsClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() {
    server = QuotecastServer.start(config -> {
      config.getJsonObject("tiers").getJsonObject("free").put("minFreq", "realtime");
      config.getJsonObject("simulator").put("updatesPerSecond", 5000);
      config.put("recovery", new JsonObject().put("maxMessages", MAX_MESSAGES).put("maxAgeMs", 60_000));
      config.getJsonObject("history").put("quote", QUOTE_HISTORY);
    });
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void closeClients() {
    clients.forEach(WsClient::close);
    clients.clear();
  }

  private WsClient client() {
    WsClient c = WsClient.open(server.vertx, server.port, "/ws");
    clients.add(c);
    return c;
  }

  private static JsonObject since(String ch, long seq, String epoch) {
    return new JsonObject().put(ch, new JsonObject().put("seq", seq).put("epoch", epoch));
  }

  private static long lastSeq(WsClient c, String ch) {
    List<JsonObject> msgs = c.channel(ch);
    return msgs.isEmpty() ? -1 : msgs.get(msgs.size() - 1).getLong("seq");
  }

  private static boolean recovered(JsonObject m) {
    JsonObject meta = m.getJsonObject("meta");
    return meta != null && meta.getBoolean("recovered", false);
  }

  /** The channel messages of {@code ch} that arrived before the reply to request {@code id}. */
  private static List<JsonObject> beforeReply(WsClient c, String ch, String id) {
    List<JsonObject> out = new ArrayList<>();
    for (JsonObject m : c.messages()) {
      if (id.equals(m.getValue("id"))) {
        return out;
      }
      if (ch.equals(m.getString("ch"))) {
        out.add(m);
      }
    }
    throw new AssertionError("no reply " + id);
  }

  private static JsonObject request(WsClient c, String id, String op, JsonObject args) {
    c.sendRaw(new JsonObject().put("op", op).put("id", id).put("args", args).encode());
    JsonObject reply = c.reply(id);
    assertEquals("result", reply.getString("type"), () -> op + " failed: " + reply);
    return reply.getJsonObject("data");
  }

  @Test
  void reconnectWithSinceGetsExactlyTheMissedTradesThenLive() {
    WsClient watcher = client();
    watcher.ok("subscribe", args("channels", List.of(TRADES)));
    WsClient first = client();
    first.ok("subscribe", args("channels", List.of(TRADES)));
    first.waitForChannel(TRADES, 2, 20_000);
    first.close();
    JsonObject last = first.channel(TRADES).get(first.channel(TRADES).size() - 1);
    long seq = last.getLong("seq");
    String epoch = first.channel(TRADES).get(0).getJsonObject("meta").getString("epoch");
    watcher.waitUntil(() -> lastSeq(watcher, TRADES) >= seq + 3, 20_000, "3 trades after " + seq);

    WsClient second = client();
    JsonObject data = request(second, "since-1", "subscribe", args("channels", List.of(TRADES), "since",
        since(TRADES, seq, epoch)));
    assertEquals(new JsonArray().add(TRADES), data.getJsonArray("recovered"), () -> "reply: " + data);
    assertTrue(data.getJsonArray("notRecovered").isEmpty());
    List<JsonObject> replayed = beforeReply(second, TRADES, "since-1");
    assertTrue(replayed.size() >= 3, () -> "at least the 3 missed trades come before the reply: " + replayed);
    assertTrue(replayed.stream().allMatch(RecoveryTest::recovered), () -> "marked recovered: " + replayed);
    assertEquals(seq + 1, replayed.get(0).getLong("seq"), "the replay starts right after the client's seq");

    long target = lastSeq(watcher, TRADES) + 3;
    second.waitUntil(() -> lastSeq(second, TRADES) >= target, 20_000, "live trades up to " + target);
    List<JsonObject> all = second.channel(TRADES);
    assertFalse(all.stream().anyMatch(WsClient::isSnapshot), "a recovered channel gets no snapshot");
    List<Long> seqs = all.stream().map(m -> m.getLong("seq")).toList();
    SeqAssert.gapFree(seqs, "recovered then live trades");
    assertTrue(all.subList(replayed.size(), all.size()).stream().noneMatch(RecoveryTest::recovered),
        "live trades are not marked recovered");
    long newest = seqs.get(seqs.size() - 1);
    watcher.waitUntil(() -> lastSeq(watcher, TRADES) >= newest, 20_000, "the watcher to reach " + newest);
    Map<Long, JsonObject> seen = new HashMap<>();
    watcher.channel(TRADES).forEach(m -> seen.put(m.getLong("seq"), m.getJsonObject("data")));
    for (JsonObject m : all) {
      assertEquals(seen.get(m.getLong("seq")), m.getJsonObject("data"), "trade " + m.getLong("seq") + " differs");
    }
  }

  @Test
  void aConflatedTradeSubscriptionGetsItsReplayAsArraysLikeItsLiveMessages() {
    WsClient first = client();
    first.ok("subscribe", args("channels", List.of(TRADES)));
    first.waitForChannel(TRADES, 2, 20_000);
    first.close();
    List<JsonObject> had = first.channel(TRADES);
    long seq = had.get(had.size() - 1).getLong("seq");
    String epoch = had.get(0).getJsonObject("meta").getString("epoch");
    WsClient watcher = client();
    watcher.ok("subscribe", args("channels", List.of(TRADES)));
    watcher.waitUntil(() -> lastSeq(watcher, TRADES) >= seq + 3, 20_000, "3 trades after " + seq);

    WsClient second = client();
    JsonObject data = request(second, "since-1", "subscribe", args("channels", List.of(TRADES), "freq", "1s",
        "since", since(TRADES, seq, epoch)));
    assertEquals(new JsonArray().add(TRADES), data.getJsonArray("recovered"), () -> "reply: " + data);
    List<JsonObject> replayed = beforeReply(second, TRADES, "since-1");
    assertFalse(replayed.isEmpty());
    for (JsonObject m : replayed) {
      assertTrue(recovered(m), () -> "marked recovered: " + m);
      assertTrue(m.getValue("data") instanceof JsonArray, () -> "an array, like the live 1s messages: " + m);
      assertEquals(m.getJsonArray("data").size(), m.getJsonObject("meta").getInteger("count"), m::encode);
    }
    assertEquals(seq + 1, replayed.get(0).getJsonObject("meta").getLong("fromSeq"), "starts after the client's seq");

    long target = lastSeq(watcher, TRADES) + 3;
    second.waitUntil(() -> lastSeq(second, TRADES) >= target, 20_000, "live trades up to " + target);
    List<Long> seqs = new ArrayList<>();
    for (JsonObject m : second.channel(TRADES)) {
      assertTrue(m.getValue("data") instanceof JsonArray, () -> "one shape on the channel: " + m);
      long from = m.getJsonObject("meta").getLong("fromSeq");
      for (long s = from; s <= m.getLong("seq"); s++) {
        seqs.add(s);
      }
      assertEquals(m.getLong("seq") - from + 1, m.getJsonArray("data").size(), m::encode);
    }
    SeqAssert.gapFree(seqs, "recovered then live trade arrays");
  }

  @Test
  void sinceWithAnotherEpochIsNotRecoveredAndGetsASnapshot() {
    WsClient c = client();
    JsonObject data = request(c, "since-1", "subscribe", args("channels", List.of(TRADES), "since",
        since(TRADES, 1, "not-the-epoch")));
    assertEquals(new JsonArray().add(TRADES), data.getJsonArray("notRecovered"), () -> "reply: " + data);
    assertTrue(data.getJsonArray("recovered").isEmpty());
    assertTrue(beforeReply(c, TRADES, "since-1").isEmpty(), "nothing is replayed");
    JsonObject first = c.waitForChannel(TRADES, 1, 20_000).get(0);
    assertTrue(WsClient.isSnapshot(first), () -> "a snapshot follows: " + first);
  }

  @Test
  void sinceBeyondTheBoundOrTheHistoryIsNotRecoveredAndGetsASnapshot() {
    WsClient probe = client();
    probe.ok("subscribe", args("channels", List.of(QUOTES)));
    probe.waitUntil(() -> lastSeq(probe, QUOTES) > QUOTE_HISTORY + 100, 30_000, "enough quotes");
    String epoch = probe.channel(QUOTES).get(0).getJsonObject("meta").getString("epoch");
    long now = lastSeq(probe, QUOTES);

    // Within the history but more than recovery.maxMessages behind.
    WsClient tooMany = client();
    JsonObject data = request(tooMany, "since-1", "subscribe", args("channels", List.of(QUOTES), "since",
        since(QUOTES, now - MAX_MESSAGES * 2, epoch)));
    assertEquals(new JsonArray().add(QUOTES), data.getJsonArray("notRecovered"), () -> "reply: " + data);
    assertTrue(beforeReply(tooMany, QUOTES, "since-1").isEmpty());
    assertTrue(WsClient.isSnapshot(tooMany.waitForChannel(QUOTES, 1, 20_000).get(0)));

    // Older than anything the history holds (a bound of 0 messages would refuse it too; here the history does).
    WsClient tooOld = client();
    JsonObject old = request(tooOld, "since-1", "subscribe", args("channels", List.of(QUOTES), "since",
        since(QUOTES, 0, epoch)));
    assertEquals(new JsonArray().add(QUOTES), old.getJsonArray("notRecovered"), () -> "reply: " + old);
    assertTrue(WsClient.isSnapshot(tooOld.waitForChannel(QUOTES, 1, 20_000).get(0)));
  }

  @Test
  void resumeOnALiveConnectionResendsTheGap() {
    WsClient c = client();
    c.ok("subscribe", args("channels", List.of(TRADES)));
    long start = c.waitForChannel(TRADES, 1, 20_000).get(0).getLong("seq");
    String epoch = c.channel(TRADES).get(0).getJsonObject("meta").getString("epoch");
    c.waitUntil(() -> lastSeq(c, TRADES) >= start + 4, 20_000, "4 trades");
    long current = lastSeq(c, TRADES);
    int before = c.channel(TRADES).size();

    JsonObject data = request(c, "resume-1", "resume", args("since", since(TRADES, current - 3, epoch)));
    assertEquals(new JsonArray().add(TRADES), data.getJsonArray("recovered"), () -> "reply: " + data);
    assertTrue(data.getJsonArray("notRecovered").isEmpty());
    List<JsonObject> sinceResume = beforeReply(c, TRADES, "resume-1");
    List<JsonObject> replayed = sinceResume.subList(before, sinceResume.size()).stream()
        .filter(RecoveryTest::recovered).toList();
    List<Long> replayedSeqs = replayed.stream().map(m -> m.getLong("seq")).toList();
    assertTrue(replayedSeqs.size() >= 3 && replayedSeqs.subList(0, 3)
        .equals(List.of(current - 2, current - 1, current)), () -> "the 3 are re-sent first: " + replayedSeqs);
    SeqAssert.gapFree(replayedSeqs, "replayed trades");

    // The live stream went on around the replay: no gap and no repeat among the live messages.
    long target = lastSeq(c, TRADES) + 3;
    c.waitUntil(() -> lastSeq(c, TRADES) >= target, 20_000, "live trades up to " + target);
    List<Long> live = c.channel(TRADES).stream().filter(m -> !recovered(m)).map(m -> m.getLong("seq")).toList();
    SeqAssert.gapFree(live, "live trades around a resume");
  }

  @Test
  void resumeOfAChannelNotSubscribedIsRefused() {
    WsClient c = client();
    c.ok("subscribe", args("channels", List.of(TRADES)));
    JsonObject error = c.error("resume", args("since", since(QUOTES, 1, "e")), "NOT_SUBSCRIBED");
    assertEquals(new JsonArray().add(QUOTES), error.getJsonArray("channels"), () -> "error: " + error);
    c.error("resume", args(), "BAD_REQUEST");
  }
}
