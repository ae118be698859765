package io.quotecast.app;

import static io.quotecast.app.WsClient.args;
import static io.quotecast.app.WsClient.isSnapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** subscribe, unsubscribe, update and delivery at realtime and at a freq (PROTOCOL.md §4, §6). */
class SubscribeDeliveryTest extends SharedServerTest {

  @Test
  void replyThenSnapshotThenGapFreeLiveData() {
    WsClient c = client();
    JsonObject reply = c.request("subscribe", args("channels", List.of("quote:600519.sh")));
    assertEquals("result", reply.getString("type"), reply::encode);
    JsonObject data = reply.getJsonObject("data");
    assertEquals(0, data.getJsonArray("rejected").size());
    JsonArray subscribed = data.getJsonArray("subscribed");
    assertEquals(1, subscribed.size());
    JsonObject s = subscribed.getJsonObject(0);
    String ch = "quote:" + BUSY;
    assertEquals(ch, s.getString("ch"), "channel keys are canonical");
    assertEquals("realtime", s.getString("freq"));
    long seq = s.getLong("seq");
    String epoch = s.getString("epoch");
    assertTrue(seq > 0, "a busy symbol has a state");
    assertNotNull(epoch);

    List<JsonObject> msgs = c.waitForChannel(ch, 50, WsClient.WAIT_MS);
    int replyIndex = c.indexOf(reply);
    int firstData = c.indexOf(msgs.get(0));
    assertTrue(replyIndex >= 0 && replyIndex < firstData, "the result comes before any data of the channel");
    JsonObject snapshot = msgs.get(0);
    assertTrue(isSnapshot(snapshot), () -> "first message must be the snapshot: " + snapshot);
    assertEquals(epoch, snapshot.getJsonObject("meta").getString("epoch"));
    assertEquals(seq, snapshot.getLong("seq"), "snapshot seq equals the subscribed seq");
    assertEquals("quote", snapshot.getString("type"));
    assertEquals(BUSY, snapshot.getJsonObject("data").getString("symbol"));
    for (JsonObject m : msgs.subList(1, msgs.size())) {
      assertFalse(isSnapshot(m), () -> "only the first message is a snapshot: " + m);
      assertEquals("quote", m.getString("type"));
      assertTrue(m.getValue("ts") instanceof Number);
    }
    SeqAssert.contiguous(msgs);
    QuoteAssert.valid(msgs.get(msgs.size() - 1).getJsonObject("data"));
  }

  @Test
  void snapshotFalseSendsOnlyLiveData() {
    WsClient c = client();
    JsonObject data = c.ok("subscribe", args("channels", List.of("quote:" + BUSY), "snapshot", false));
    long seq = data.getJsonArray("subscribed").getJsonObject(0).getLong("seq");
    List<JsonObject> msgs = c.waitForChannel("quote:" + BUSY, 10, WsClient.WAIT_MS);
    assertTrue(msgs.stream().noneMatch(WsClient::isSnapshot), "no snapshot when snapshot:false");
    assertEquals(seq + 1, msgs.get(0).getLong("seq"), "live data continues right after the subscribed seq");
    SeqAssert.contiguous(msgs);
  }

  @Test
  void symbolsAndTypesExpandToChannels() {
    WsClient c = client();
    JsonObject all = c.ok("subscribe", args("symbols", List.of("600519.sh"), "types",
        List.of("quote", "trade", "kline"), "interval", "5m"));
    assertEquals(List.of("quote:600519.SH", "trade:600519.SH", "kline:5m:600519.SH"), chs(all));
    JsonObject defaults = c.ok("subscribe", args("symbols", List.of("000001.SZ")));
    assertEquals(List.of("quote:000001.SZ"), chs(defaults), "types default to quote");
    JsonObject kline = c.ok("subscribe", args("symbols", List.of("000002.SZ"), "types", List.of("kline")));
    assertEquals(List.of("kline:1m:000002.SZ"), chs(kline), "interval defaults to 1m");
    JsonObject k = c.waitFor(m -> "kline:5m:600519.SH".equals(m.getString("ch")), WsClient.WAIT_MS);
    assertEquals("kline", k.getString("type"));
    assertEquals("5m", k.getJsonObject("data").getString("interval"));
    assertEquals(5, c.ok("list").getJsonArray("subscriptions").size());
  }

  @Test
  void freqLimitsMessagesPerPeriod() {
    WsClient c = client();
    String quote = "quote:" + BUSY;
    String trade = "trade:" + BUSY;
    String kline = "kline:1m:" + BUSY;
    JsonObject q = c.ok("subscribe", args("channels", List.of(quote), "freq", "500ms"));
    assertEquals("500ms", q.getJsonArray("subscribed").getJsonObject(0).getString("freq"));
    JsonObject t = c.ok("subscribe", args("channels", List.of(trade, kline), "freq", "1s"));
    long tradeSeq = t.getJsonArray("subscribed").getJsonObject(0).getLong("seq");
    QuotecastServer.sleep(3000);
    List<JsonObject> quotes = live(c.channel(quote));
    List<JsonObject> trades = live(c.channel(trade));
    List<JsonObject> klines = live(c.channel(kline));

    // state channel: at most one message per period, the latest value (seq jumps)
    assertTrue(quotes.size() <= 3000 / 500 + 2, () -> "too many quote messages at 500ms: " + quotes.size());
    assertTrue(quotes.size() >= 2, () -> "a busy symbol sends at each period: " + quotes.size());
    assertTrue(jumps(quotes), "conflated quotes skip seqs");
    for (int i = 1; i < quotes.size(); i++) {
      assertTrue(quotes.get(i).getLong("seq") > quotes.get(i - 1).getLong("seq"), "seq only grows");
    }
    JsonObject entry = c.ok("list").getJsonArray("subscriptions").stream().map(JsonObject.class::cast)
        .filter(e -> quote.equals(e.getString("ch"))).findFirst().orElseThrow();
    assertEquals("500ms", entry.getString("freq"));
    assertTrue(entry.getLong("conflated") > 0, () -> "list shows conflated: " + entry);

    // trade channel: one array per period, every trade in order
    assertTrue(trades.size() <= 3000 / 1000 + 2, () -> "too many trade messages at 1s: " + trades.size());
    assertTrue(trades.size() >= 1, "a busy symbol trades every second");
    for (JsonObject m : trades) {
      assertEquals("trade", m.getString("type"));
      assertTrue(m.getValue("data") instanceof JsonArray, () -> "trades at a freq come as an array: " + m);
      JsonArray array = m.getJsonArray("data");
      assertTrue(!array.isEmpty());
      for (int i = 1; i < array.size(); i++) {
        assertTrue(array.getJsonObject(i).getLong("tradeId") > array.getJsonObject(i - 1).getLong("tradeId"),
            "trades in order");
      }
    }
    List<Long> seqs = SeqAssert.tradeSeqs(trades);
    if (tradeSeq > 0) {
      assertEquals(tradeSeq + 1, seqs.get(0), "the first array starts right after the subscribed seq");
    }
    SeqAssert.gapFree(seqs, "trades at 1s");

    // kline: the latest bar per period, plus every closed bar (at most one 1m close in 3 s)
    assertTrue(klines.size() <= 3000 / 1000 + 2 + 1, () -> "too many kline messages at 1s: " + klines.size());
    for (JsonObject m : klines) {
      assertEquals("1m", m.getJsonObject("data").getString("interval"));
    }
  }

  @Test
  void updateChangesFreqInPlace() {
    WsClient c = client();
    String ch = "quote:" + BUSY;
    c.ok("subscribe", subscribeArgs(ch));
    c.waitForChannel(ch, 20, WsClient.WAIT_MS);
    JsonObject updated = c.ok("update", args("channels", List.of(ch), "freq", "1s"));
    assertEquals(new JsonArray().add(new JsonObject().put("ch", ch).put("freq", "1s")),
        updated.getJsonArray("updated"));
    int atUpdate = c.channel(ch).size();
    QuotecastServer.sleep(2200);
    int slow = c.channel(ch).size() - atUpdate;
    assertTrue(slow <= 2200 / 1000 + 2, "at 1s after update: " + slow);
    c.ok("update", args("channels", List.of(ch), "freq", "realtime"));
    int atRealtime = c.channel(ch).size();
    c.waitForChannel(ch, atRealtime + 30, WsClient.WAIT_MS);
    List<JsonObject> msgs = c.channel(ch);
    assertEquals(1, msgs.stream().filter(WsClient::isSnapshot).count(), "update does not resubscribe");
    for (int i = 1; i < msgs.size(); i++) {
      assertTrue(msgs.get(i).getLong("seq") > msgs.get(i - 1).getLong("seq"), "seq only grows");
    }
    SeqAssert.contiguous(msgs.subList(atRealtime, msgs.size()));
    JsonArray subs = c.ok("list").getJsonArray("subscriptions");
    assertEquals(1, subs.size());
    assertEquals("realtime", subs.getJsonObject(0).getString("freq"));
  }

  @Test
  void updateOfTradesKeepsEveryTrade() {
    WsClient c = client();
    String ch = "trade:" + BUSY;
    c.ok("subscribe", args("channels", List.of(ch), "snapshot", false));
    c.waitForChannel(ch, 5, WsClient.WAIT_MS);
    c.ok("update", args("channels", List.of(ch), "freq", "1s"));
    QuotecastServer.sleep(2300);
    c.ok("update", args("channels", List.of(ch), "freq", "realtime"));
    int at = c.channel(ch).size();
    c.waitForChannel(ch, at + 5, WsClient.WAIT_MS);
    List<JsonObject> msgs = c.channel(ch);
    assertTrue(msgs.stream().anyMatch(m -> m.getValue("data") instanceof JsonArray), "some trades came at 1s");
    SeqAssert.gapFree(SeqAssert.tradeSeqs(msgs), "trades across realtime -> 1s -> realtime");
  }

  @Test
  void updateOrUnsubscribeOfUnsubscribedChannelChangesNothing() {
    WsClient c = client();
    String ch = "quote:" + BUSY;
    c.ok("subscribe", subscribeArgs(ch));
    JsonObject e = c.error("update", args("channels", List.of(ch, "quote:000001.sz"), "freq", "1s"),
        "NOT_SUBSCRIBED");
    assertEquals(new JsonArray().add("quote:000001.SZ"), e.getJsonArray("channels"), e::encode);
    JsonArray subs = c.ok("list").getJsonArray("subscriptions");
    assertEquals(1, subs.size());
    assertEquals("realtime", subs.getJsonObject(0).getString("freq"), "a failed update changes nothing");

    JsonObject u = c.error("unsubscribe", args("channels", List.of(ch, "trade:" + BUSY)), "NOT_SUBSCRIBED");
    assertEquals(new JsonArray().add("trade:" + BUSY), u.getJsonArray("channels"), u::encode);
    assertEquals(1, c.ok("list").getJsonArray("subscriptions").size(), "a failed unsubscribe changes nothing");

    JsonObject missingFreq = c.error("update", args("channels", List.of(ch)), "BAD_REQUEST");
    assertEquals("freq", missingFreq.getString("field"));
    JsonObject badFreq = c.error("update", args("channels", List.of(ch), "freq", "2s"), "INVALID_CHANNEL");
    assertTrue(badFreq.getJsonArray("allowed").contains("1s"), badFreq::encode);
  }

  @Test
  void unsubscribeStopsData() {
    WsClient c = client();
    String quote = "quote:" + BUSY;
    String trade = "trade:" + BUSY;
    c.ok("subscribe", subscribeArgs(quote, trade, "quote:000001.SZ"));
    c.waitForChannel(quote, 5, WsClient.WAIT_MS);
    JsonObject one = c.ok("unsubscribe", args("channels", List.of("QUOTE:600519.sh")));
    assertEquals(new JsonArray().add(quote), one.getJsonArray("unsubscribed"));
    int quotesAfter = c.channel(quote).size();
    QuotecastServer.sleep(600);
    assertEquals(quotesAfter, c.channel(quote).size(), "no data after unsubscribe");
    assertEquals(2, c.ok("list").getJsonArray("subscriptions").size());

    JsonObject all = c.ok("unsubscribe", args("all", true));
    assertEquals(java.util.Set.of("trade:600519.SH", "quote:000001.SZ"),
        all.getJsonArray("unsubscribed").stream().map(Object::toString).collect(Collectors.toSet()));
    assertEquals(2, all.getJsonArray("unsubscribed").size());
    assertEquals(0, c.ok("list").getJsonArray("subscriptions").size());
    QuotecastServer.sleep(200);
    int total = c.size();
    QuotecastServer.sleep(800);
    List<JsonObject> after = c.messages().subList(total, c.size());
    assertTrue(after.stream().noneMatch(m -> m.containsKey("ch")), () -> "data after unsubscribe all: " + after);
  }

  @Test
  void subscribingAgainChangesFreqWithoutDuplicateSubscription() {
    WsClient c = client();
    String ch = "quote:" + BUSY;
    c.ok("subscribe", subscribeArgs(ch));
    JsonObject again = c.ok("subscribe", args("channels", List.of(ch), "freq", "1s"));
    assertEquals("1s", again.getJsonArray("subscribed").getJsonObject(0).getString("freq"));
    JsonArray subs = c.ok("list").getJsonArray("subscriptions");
    assertEquals(1, subs.size());
    assertEquals("1s", subs.getJsonObject(0).getString("freq"));
  }

  private static List<String> chs(JsonObject subscribeResult) {
    return subscribeResult.getJsonArray("subscribed").stream().map(o -> ((JsonObject) o).getString("ch"))
        .collect(Collectors.toList());
  }

  private static List<JsonObject> live(List<JsonObject> msgs) {
    return new ArrayList<>(msgs.stream().filter(m -> !isSnapshot(m)).toList());
  }

  private static boolean jumps(List<JsonObject> msgs) {
    for (int i = 1; i < msgs.size(); i++) {
      if (msgs.get(i).getLong("seq") > msgs.get(i - 1).getLong("seq") + 1) {
        return true;
      }
    }
    return false;
  }

  @Test
  void sameChannelTwiceInOneRequestIsOneSubscription() {
    WsClient c = client();
    JsonObject data = c.ok("subscribe", subscribeArgs("quote:600519.sh", "quote:600519.SH", "QUOTE:600519.Sh"));
    assertEquals(1, data.getJsonArray("subscribed").size(), data::encode);
    QuotecastServer.sleep(300);
    assertEquals(1, c.channel("quote:" + BUSY).stream().filter(WsClient::isSnapshot).count(), "one snapshot");
    assertEquals(1, c.ok("list").getJsonArray("subscriptions").size());
    SeqAssert.contiguous(c.channel("quote:" + BUSY));
  }

  @Test
  void unsubscribeBySymbolsAndTypes() {
    WsClient c = client();
    c.ok("subscribe", args("symbols", List.of(BUSY, "000001.SZ"), "types", List.of("quote", "trade")));
    JsonObject data = c.ok("unsubscribe", args("symbols", List.of(BUSY), "types", List.of("quote", "trade")));
    assertEquals(java.util.Set.of("quote:" + BUSY, "trade:" + BUSY),
        data.getJsonArray("unsubscribed").stream().map(Object::toString).collect(Collectors.toSet()));
    JsonArray subs = c.ok("list").getJsonArray("subscriptions");
    assertEquals(2, subs.size());
  }

  @Test
  void subscribeWithSinceStillSendsState() {
    WsClient c = client();
    String ch = "quote:" + BUSY;
    JsonObject bad = c.error("subscribe", args("channels", List.of(ch), "since", "yesterday"), "BAD_REQUEST");
    assertEquals("since", bad.getString("field"));
    JsonObject data = c.ok("subscribe", args("channels", List.of(ch), "since",
        new JsonObject().put(ch, new JsonObject().put("seq", 1).put("epoch", "nope00"))));
    assertEquals(1, data.getJsonArray("subscribed").size());
    JsonObject first = c.waitForChannel(ch, 1, WsClient.WAIT_MS).get(0);
    assertTrue(isSnapshot(first), "an unrecoverable since gets a fresh snapshot: " + first);
  }
}
