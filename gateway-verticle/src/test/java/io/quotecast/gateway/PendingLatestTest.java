package io.quotecast.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.Freq;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pending-latest logic alone: one message per subscription, written in a stable order as the queue drains. */
class PendingLatestTest {
  private static Subscription sub(String symbol) {
    return new Subscription(null, ChannelKey.quote(symbol), Freq.REALTIME, 0);
  }

  /** A sink that takes {@code room} messages before it is full again. */
  private static final class Sink implements PendingLatest.Sink {
    final List<String> written = new ArrayList<>();
    int room;
    Subscription gone;

    @Override
    public boolean full() {
      return room <= 0;
    }

    @Override
    public boolean live(Subscription sub) {
      return sub != gone;
    }

    @Override
    public void write(Subscription sub, OutboundMessage message, long seq, String epoch) {
      room--;
      written.add(sub.key + "@" + seq + ":" + message.text());
    }
  }

  @Test
  void holdsOneLatestPerSubscriptionWhateverTheRate() {
    PendingLatest held = new PendingLatest();
    Subscription a = sub("600519.SH");
    Subscription b = sub("000001.SZ");
    for (int i = 1; i <= 10_000; i++) {
      held.hold(i % 2 == 0 ? a : b, new OutboundMessage("m" + i), i, "e1");
    }
    assertEquals(2, held.size(), "never more than one message per subscription");
    Sink sink = new Sink();
    sink.room = 10;
    held.drain(sink);
    // b waited first (message 1), so it goes first; each carries only its latest.
    assertEquals(List.of("quote:000001.SZ@9999:m9999", "quote:600519.SH@10000:m10000"), sink.written);
    assertTrue(held.isEmpty());
    assertNull(a.pending);
  }

  @Test
  void aDrainThatFillsTheQueueAgainStopsAndTheNextContinuesInOrder() {
    PendingLatest held = new PendingLatest();
    Subscription a = sub("A");
    Subscription b = sub("B");
    Subscription c = sub("C");
    held.hold(a, new OutboundMessage("a1"), 1, "e1");
    held.hold(b, new OutboundMessage("b1"), 1, "e1");
    held.hold(c, new OutboundMessage("c1"), 1, "e1");
    Sink sink = new Sink();
    sink.room = 1;
    held.drain(sink);
    assertEquals(List.of("quote:A@1:a1"), sink.written);
    held.hold(a, new OutboundMessage("a2"), 2, "e1"); // a waits again: behind b and c
    held.hold(b, new OutboundMessage("b2"), 2, "e1");
    sink.room = 10;
    held.drain(sink);
    assertEquals(List.of("quote:A@1:a1", "quote:B@2:b2", "quote:C@1:c1", "quote:A@2:a2"), sink.written);
  }

  @Test
  void endedSubscriptionsAreNotWritten() {
    PendingLatest held = new PendingLatest();
    Subscription a = sub("A");
    Subscription b = sub("B");
    held.hold(a, new OutboundMessage("a1"), 1, "e1");
    held.hold(b, new OutboundMessage("b1"), 1, "e1");
    assertEquals(2, held.size());
    Sink sink = new Sink();
    sink.room = 10;
    sink.gone = b;
    held.drain(sink);
    assertEquals(List.of("quote:A@1:a1"), sink.written);
    assertNull(b.pending);
    assertTrue(held.isEmpty());
  }
}
