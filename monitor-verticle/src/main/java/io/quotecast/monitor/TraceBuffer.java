package io.quotecast.monitor;

import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The events of one trace, as the monitor that started it keeps them: the latest {@code capacity}, the oldest dropped
 * and counted. Each event is numbered ({@code n}, from 1) as it arrives, so a reader can ask for those after the last
 * it saw. The gateways' own rate limit shows in the events as {@code skipped} (events not sent before this one); their
 * sum is {@link #suppressed}. Not thread-safe: one monitor event loop owns it.
 */
final class TraceBuffer {
  static final int DEFAULT_CAPACITY = 1000;

  private final int capacity;
  private final ArrayDeque<JsonObject> events;
  private long received;
  private long dropped;
  private long suppressed;

  TraceBuffer(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.capacity = capacity;
    this.events = new ArrayDeque<>(Math.min(capacity, 1024));
  }

  /** Numbers {@code event} and keeps it, dropping the oldest when full; returns it. */
  JsonObject add(JsonObject event) {
    received++;
    event.put("n", received);
    if (event.getValue("skipped") instanceof Number skipped) {
      suppressed += skipped.longValue();
    }
    if (events.size() == capacity) {
      events.pollFirst();
      dropped++;
    }
    events.addLast(event);
    return event;
  }

  /** The kept events numbered above {@code n}, oldest first. */
  List<JsonObject> after(long n) {
    List<JsonObject> out = new ArrayList<>();
    for (JsonObject e : events) {
      if (e.getLong("n") > n) {
        out.add(e);
      }
    }
    return out;
  }

  /** Events that arrived. */
  long received() {
    return received;
  }

  /** Events dropped from the buffer (the oldest) because it was full. */
  long dropped() {
    return dropped;
  }

  /** Events the gateways did not send (over their per-second budget), as far as later events reported them. */
  long suppressed() {
    return suppressed;
  }

  int size() {
    return events.size();
  }

  int capacity() {
    return capacity;
  }
}
