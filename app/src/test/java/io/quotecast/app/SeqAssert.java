package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Checks on the seq numbers of a channel's messages. */
final class SeqAssert {
  private SeqAssert() {}

  /** Realtime delivery of one epoch: each message's seq is the previous one's + 1 (the snapshot included). */
  static void contiguous(List<JsonObject> channelMessages) {
    assertTrue(channelMessages.size() > 1, "too few messages to check: " + channelMessages.size());
    String epoch = epochOf(channelMessages.get(0));
    for (int i = 1; i < channelMessages.size(); i++) {
      JsonObject prev = channelMessages.get(i - 1);
      JsonObject m = channelMessages.get(i);
      if (m.getJsonObject("meta") != null && m.getJsonObject("meta").getString("epoch") != null
          && !m.getJsonObject("meta").getString("epoch").equals(epoch)) {
        fail("epoch changed during the test: " + m);
      }
      if (m.getLong("seq") != prev.getLong("seq") + 1) {
        fail("seq gap or repeat at message " + i + ": " + prev.getLong("seq") + " then " + m.getLong("seq")
            + " on " + m.getString("ch"));
      }
    }
  }

  static String epochOf(JsonObject m) {
    JsonObject meta = m.getJsonObject("meta");
    return meta == null ? null : meta.getString("epoch");
  }

  /**
   * The trade seqs carried by a trade channel's messages, in order: a single trade (realtime or the snapshot) is its
   * seq; an array covers {@code meta.fromSeq .. seq} and is checked to be consistent ({@code count}, size).
   */
  static List<Long> tradeSeqs(List<JsonObject> channelMessages) {
    List<Long> seqs = new ArrayList<>();
    for (JsonObject m : channelMessages) {
      Object data = m.getValue("data");
      long seq = m.getLong("seq");
      if (data instanceof JsonArray array) {
        JsonObject meta = m.getJsonObject("meta");
        assertTrue(meta != null && meta.getValue("fromSeq") != null, () -> "trade array without meta.fromSeq: " + m);
        long from = meta.getLong("fromSeq");
        assertEquals(array.size(), meta.getInteger("count"), () -> "meta.count != data size: " + m);
        assertEquals(seq - from + 1, array.size(), () -> "array size != seq - fromSeq + 1: " + m);
        for (long s = from; s <= seq; s++) {
          seqs.add(s);
        }
      } else {
        seqs.add(seq);
      }
    }
    return seqs;
  }

  /** Every seq is the previous + 1 (no gap, no repeat). */
  static void gapFree(List<Long> seqs, String what) {
    for (int i = 1; i < seqs.size(); i++) {
      if (seqs.get(i) != seqs.get(i - 1) + 1) {
        fail(what + ": seq " + seqs.get(i - 1) + " followed by " + seqs.get(i) + " (index " + i + " of "
            + seqs.size() + ")");
      }
    }
  }
}
