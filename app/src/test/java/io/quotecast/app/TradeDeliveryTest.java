package io.quotecast.app;

import static io.quotecast.app.WsClient.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Trades are never dropped (PROTOCOL.md §3, §6): at 1s, the arrays carry exactly the realtime trades. */
class TradeDeliveryTest extends SharedServerTest {

  @Test
  void noTradeLostAtOneSecond() {
    String ch = "trade:" + BUSY;
    WsClient realtime = client();
    WsClient slow = client();
    realtime.ok("subscribe", subscribeArgs(ch));
    slow.ok("subscribe", args("channels", List.of(ch), "freq", "1s"));
    QuotecastServer.sleep(4000);

    Map<Long, JsonObject> rt = new LinkedHashMap<>();
    for (JsonObject m : realtime.channel(ch)) {
      assertTrue(m.getValue("data") instanceof JsonObject, () -> "realtime trades come one by one: " + m);
      rt.put(m.getLong("seq"), m.getJsonObject("data"));
    }
    List<Long> rtSeqs = new ArrayList<>(rt.keySet());
    SeqAssert.gapFree(rtSeqs, "realtime trades");

    Map<Long, JsonObject> flat = new LinkedHashMap<>();
    for (JsonObject m : slow.channel(ch)) {
      if (m.getValue("data") instanceof JsonArray array) {
        long from = m.getJsonObject("meta").getLong("fromSeq");
        for (int i = 0; i < array.size(); i++) {
          flat.put(from + i, array.getJsonObject(i));
        }
      } else {
        flat.put(m.getLong("seq"), m.getJsonObject("data"));
      }
    }
    List<Long> slowSeqs = new ArrayList<>(flat.keySet());
    SeqAssert.gapFree(SeqAssert.tradeSeqs(slow.channel(ch)), "1s trade arrays");

    long lo = Math.max(rtSeqs.get(0), slowSeqs.get(0));
    long hi = Math.min(rtSeqs.get(rtSeqs.size() - 1), slowSeqs.get(slowSeqs.size() - 1));
    assertTrue(hi - lo >= 5, "enough common trades to compare: " + lo + ".." + hi);
    for (long s = lo; s <= hi; s++) {
      assertTrue(rt.containsKey(s) && flat.containsKey(s), "trade " + s + " missing");
      assertEquals(rt.get(s), flat.get(s), "trade " + s + " differs");
    }
    for (int i = 1; i < slowSeqs.size(); i++) {
      long a = flat.get(slowSeqs.get(i - 1)).getLong("tradeId");
      long b = flat.get(slowSeqs.get(i)).getLong("tradeId");
      assertTrue(b > a, "tradeIds increase");
    }
  }
}
