package io.quotecast.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A trace's events: bounded, oldest dropped and counted, numbered for readers that come back for more. */
class TraceBufferTest {

  @Test
  void keepsTheLatestAndCountsTheDropped() {
    TraceBuffer buffer = new TraceBuffer(3);
    for (int i = 1; i <= 5; i++) {
      buffer.add(new JsonObject().put("i", i));
    }
    assertEquals(5, buffer.received());
    assertEquals(2, buffer.dropped());
    assertEquals(3, buffer.size());
    assertEquals(List.of(3, 4, 5), buffer.after(0).stream().map(e -> e.getInteger("i")).toList());
    assertEquals(List.of(3L, 4L, 5L), buffer.after(0).stream().map(e -> e.getLong("n")).toList());
  }

  @Test
  void afterReturnsOnlyNewerEvents() {
    TraceBuffer buffer = new TraceBuffer(10);
    for (int i = 1; i <= 4; i++) {
      buffer.add(new JsonObject());
    }
    assertEquals(List.of(3L, 4L), buffer.after(2).stream().map(e -> e.getLong("n")).toList());
    assertEquals(List.of(), buffer.after(4));
  }

  @Test
  void gatewaySkipsAreSummed() {
    TraceBuffer buffer = new TraceBuffer(2);
    buffer.add(new JsonObject().put("skipped", 7));
    buffer.add(new JsonObject());
    buffer.add(new JsonObject().put("skipped", 3));
    assertEquals(10, buffer.suppressed());
    assertEquals(1, buffer.dropped());
  }

  @Test
  void aBufferHoldsSomething() {
    assertThrows(IllegalArgumentException.class, () -> new TraceBuffer(0));
    assertEquals(TraceBuffer.DEFAULT_CAPACITY, new TraceBuffer(TraceBuffer.DEFAULT_CAPACITY).capacity());
  }
}
