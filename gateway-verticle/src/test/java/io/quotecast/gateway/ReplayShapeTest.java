package io.quotecast.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.ChannelType;
import io.quotecast.common.Freq;
import io.quotecast.common.Publication;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A replay has the shape the subscription's freq gives its live messages, and every message is marked recovered. */
class ReplayShapeTest {
  private static List<Publication> trades(int from, int to) {
    List<Publication> out = new ArrayList<>();
    for (int seq = from; seq <= to; seq++) {
      out.add(new Publication("trade:600519.SH", seq, "e1", 1000 + seq, "{\"p\":\"" + seq + ".00\"}"));
    }
    return out;
  }

  private static JsonObject json(ReplayShape.Message m) {
    return new JsonObject(m.message().text());
  }

  @Test
  void realtimeGetsEveryPublicationOnePerMessage() {
    List<ReplayShape.Message> out = ReplayShape.of(ChannelType.TRADE, Freq.REALTIME, trades(5, 7), 9);
    assertEquals(3, out.size());
    for (int i = 0; i < 3; i++) {
      JsonObject m = json(out.get(i));
      assertEquals(5 + i, m.getLong("seq"));
      assertEquals(5 + i, out.get(i).seq());
      assertTrue(m.getJsonObject("meta").getBoolean("recovered"));
      assertEquals((5 + i) + ".00", m.getJsonObject("data").getString("p"));
    }
  }

  @Test
  void conflatedTradesComeAsArraysLikeTheirLiveMessages() {
    int n = ReplayShape.MAX_TRADES_PER_MESSAGE + 50;
    List<ReplayShape.Message> out = ReplayShape.of(ChannelType.TRADE, Freq.S1, trades(1, n), 9);
    assertEquals(2, out.size(), "long replays are split");
    JsonObject first = json(out.get(0));
    assertEquals(ReplayShape.MAX_TRADES_PER_MESSAGE, first.getLong("seq"), "seq is the last trade's");
    JsonObject meta = first.getJsonObject("meta");
    assertEquals(true, meta.getBoolean("recovered"));
    assertEquals(1, meta.getLong("fromSeq"));
    assertEquals(ReplayShape.MAX_TRADES_PER_MESSAGE, meta.getInteger("count"));
    JsonArray data = first.getJsonArray("data");
    assertEquals(ReplayShape.MAX_TRADES_PER_MESSAGE, data.size());
    assertEquals("1.00", data.getJsonObject(0).getString("p"));
    JsonObject second = json(out.get(1));
    assertEquals(n, second.getLong("seq"));
    assertEquals(ReplayShape.MAX_TRADES_PER_MESSAGE + 1, second.getJsonObject("meta").getLong("fromSeq"));
    assertEquals(50, second.getJsonArray("data").size());
    assertEquals(n, out.get(1).seq());
  }

  @Test
  void conflatedStateChannelsGetOnlyTheLatest() {
    List<Publication> quotes = List.of(
        new Publication("quote:600519.SH", 3, "e1", 1, "{\"last\":\"1.00\"}"),
        new Publication("quote:600519.SH", 4, "e1", 2, "{\"last\":\"2.00\"}"));
    List<ReplayShape.Message> out = ReplayShape.of(ChannelType.QUOTE, Freq.S1, quotes, 9);
    assertEquals(1, out.size());
    assertEquals(4, json(out.get(0)).getLong("seq"));
    assertTrue(json(out.get(0)).getJsonObject("meta").getBoolean("recovered"));
  }

  @Test
  void conflatedKlinesGetEveryClosedBarThenTheLatest() {
    String ch = "kline:600519.SH:1m";
    List<Publication> bars = List.of(
        new Publication(ch, 1, "e1", 1, "{\"t\":1,\"c\":\"1.00\",\"closed\":false}"),
        new Publication(ch, 2, "e1", 2, "{\"t\":1,\"c\":\"1.10\",\"closed\":true}"),
        new Publication(ch, 3, "e1", 3, "{\"t\":2,\"c\":\"1.20\",\"closed\":false}"),
        new Publication(ch, 4, "e1", 4, "{\"t\":2,\"c\":\"1.30\",\"closed\":false}"));
    List<ReplayShape.Message> out = ReplayShape.of(ChannelType.KLINE, Freq.S1, bars, 9);
    assertEquals(List.of(2L, 4L), out.stream().map(ReplayShape.Message::seq).toList());
  }

  @Test
  void nothingMissedSendsNothing() {
    assertTrue(ReplayShape.of(ChannelType.TRADE, Freq.S1, List.of(), 9).isEmpty());
  }
}
