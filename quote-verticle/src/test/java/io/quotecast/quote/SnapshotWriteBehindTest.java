package io.quotecast.quote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.Publication;
import io.quotecast.common.PublicationCodec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SnapshotWriteBehindTest {
  final Map<String, Publication> map = new LinkedHashMap<>();
  final List<Promise<Void>> pending = new ArrayList<>();
  final Set<ChannelState> released = new HashSet<>();
  boolean hold;

  SnapshotWriteBehind writer() {
    return new SnapshotWriteBehind((k, v) -> {
      map.put(k, PublicationCodec.fromBuffer(v));
      if (!hold) {
        return Future.succeededFuture();
      }
      Promise<Void> p = Promise.promise();
      pending.add(p);
      return p.future();
    }, ch -> !released.contains(ch), 8);
  }

  @Test
  void aFlushWritesEachChangedChannelOnceWithItsLatestPublication() {
    SnapshotWriteBehind w = writer();
    ChannelState q = new ChannelState(ChannelKey.quote("600519.SH"), "e1", 0);
    ChannelState t = new ChannelState(ChannelKey.trade("600519.SH"), "e1", 0);
    for (int i = 0; i < 5; i++) {
      q.publish("{\"n\":" + i + "}", i);
      w.changed(q);
    }
    t.publish("{}", 1);
    w.changed(t);
    assertTrue(w.flush().succeeded());
    assertEquals(2, w.puts());
    assertEquals(5, map.get("quote:600519.SH").seq());
    assertTrue(w.flush().succeeded());
    assertEquals(2, w.puts(), "nothing changed since");
  }

  @Test
  void aFlushIsSkippedWhileThePreviousRunsAndAHandOverWaitsForIt() {
    SnapshotWriteBehind w = writer();
    ChannelState q = new ChannelState(ChannelKey.quote("600519.SH"), "e1", 0);
    q.publish("{\"n\":1}", 1);
    w.changed(q);
    hold = true;
    Future<Void> first = w.flush();
    assertFalse(first.isComplete());
    q.publish("{\"n\":2}", 2);
    w.changed(q);
    w.flush();
    assertEquals(1, w.skipped());
    assertEquals(1, pending.size());
    // hand-over after the symbol stopped: waits for the running flush, then writes the newer state
    released.add(q);
    Future<Void> handOver = w.handOver(List.of(q));
    assertFalse(handOver.isComplete());
    assertEquals(1, pending.size(), "not started before the flush finished");
    hold = false;
    pending.get(0).complete();
    assertTrue(handOver.succeeded());
    assertEquals(2, map.get("quote:600519.SH").seq());
    assertEquals(0, w.pending());
  }

  @Test
  void aFlushSkipsChannelsNoLongerProducedHere() {
    SnapshotWriteBehind w = writer();
    ChannelState q = new ChannelState(ChannelKey.quote("600519.SH"), "e1", 0);
    q.publish("{}", 1);
    w.changed(q);
    released.add(q);
    w.flush();
    assertTrue(map.isEmpty(), "its entry belongs to the new producer");
  }
}
