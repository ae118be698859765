package io.quotecast.quote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.Publication;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelStateTest {
  @Test
  void seqHistoryAndRecovery() {
    ChannelState ch = new ChannelState(ChannelKey.trade("600519.SH"), "abc123", 3);
    assertEquals(0, ch.seq());
    assertNull(ch.latest());
    Publication p1 = ch.publish("{\"n\":1}", 10);
    assertEquals(1, p1.seq());
    assertEquals("trade:600519.SH", p1.channel());
    assertEquals("abc123", p1.epoch());
    assertEquals(10, p1.sourceTime());
    for (int i = 2; i <= 5; i++) {
      assertEquals(i, ch.publish("{\"n\":" + i + "}", i).seq());
    }
    assertEquals(5, ch.seq());
    assertEquals("{\"n\":5}", ch.latest().data());
    assertEquals(List.of(3L, 4L, 5L), ch.history(10).stream().map(Publication::seq).toList());
    assertEquals(List.of(4L, 5L), ch.history(2).stream().map(Publication::seq).toList());
    assertEquals(List.of(4L, 5L), ch.since(3).stream().map(Publication::seq).toList());
    assertEquals(List.of(3L, 4L, 5L), ch.since(2).stream().map(Publication::seq).toList());
    assertNull(ch.since(1), "seq 2 already dropped");
    assertEquals(List.of(), ch.since(5));
  }

  @Test
  void noHistory() {
    ChannelState ch = new ChannelState(ChannelKey.quote("600519.SH"), "e", 0);
    ch.publish("{}", 1);
    assertEquals(List.of(), ch.history(5));
    assertEquals(1, ch.latest().seq());
  }

  @Test
  void restartBeginsANewEpochAtSeqOneWithEmptyHistory() {
    ChannelState ch = new ChannelState(ChannelKey.quote("600519.SH"), "old001", 4);
    for (int i = 0; i < 6; i++) {
      ch.publish("{}", i);
    }
    ch.restart("new001");
    assertEquals("new001", ch.epoch());
    assertEquals(0, ch.seq());
    assertNull(ch.latest());
    assertEquals(List.of(), ch.history(10));
    Publication p = ch.publish("{\"n\":1}", 99);
    assertEquals(1, p.seq());
    assertEquals("new001", p.epoch());
    assertEquals(List.of(p), ch.history(10));
  }
}
