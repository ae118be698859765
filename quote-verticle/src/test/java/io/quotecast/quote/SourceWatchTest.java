package io.quotecast.quote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SourceWatchTest {

  @Test
  void downThenBackoffWithFullJitterThenUp() {
    SourceWatch w = new SourceWatch("simulator", 1000, 0, new Random(7));
    JsonObject down = w.lost(100, "connection lost");
    assertEquals("down", down.getString("state"));
    assertEquals("connection lost", down.getString("reason"));
    long cap = SourceWatch.BACKOFF_BASE_MS;
    for (int i = 1; i <= 8; i++) {
      long d = w.nextRetryDelay();
      assertTrue(d >= 0 && d <= cap, "attempt " + i + " delay " + d + " within [0, " + cap + "]");
      JsonObject s = w.retryFailed("still down");
      assertEquals(i, s.getInteger("attempt"));
      assertEquals(d, s.getLong("nextRetryMs"));
      cap = Math.min(SourceWatch.BACKOFF_MAX_MS, cap * 2);
    }
    assertEquals(SourceWatch.BACKOFF_MAX_MS, cap, "the cap stops doubling at 20 s");
    JsonObject up = w.reconnected(5000);
    assertEquals("up", up.getString("state"));
    assertEquals(5000L, up.getLong("since"));
    assertTrue(!up.containsKey("attempt") && !up.containsKey("reason"), up::encode);
  }

  @Test
  void staleWhileTradingIsDegradedAndRecovers() {
    SourceWatch w = new SourceWatch("simulator", 1000, 0, new Random(1));
    assertNull(w.check(900, true));
    assertNull(w.check(5000, false), "no updates are expected outside trading phases");
    w.onUpdate(5000);
    JsonObject degraded = w.check(6200, true);
    assertEquals("degraded", degraded.getString("state"));
    assertTrue(degraded.getString("reason").startsWith("no updates for 1200 ms"), degraded::encode);
    assertNull(w.check(6300, true), "reported once");
    w.onUpdate(6400);
    assertEquals("up", w.check(6450, true).getString("state"));
  }
}
