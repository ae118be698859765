package io.quotecast.monitor;

import io.quotecast.common.Addresses;
import io.quotecast.common.admin.TraceSpec;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One message trace as the monitor that started it keeps it: what it watches, its events ({@link TraceBuffer}), its
 * state ({@code active}, then {@code ended} with a reason) and the readers streaming it live. All on the monitor's
 * event loop.
 */
final class Trace {
  static final String ACTIVE = "active";
  static final String ENDED = "ended";

  final String id;
  final TraceSpec spec;
  final long startedAt;
  final long endsAt;
  final TraceBuffer buffer = new TraceBuffer(TraceBuffer.DEFAULT_CAPACITY);
  /** Live readers: each gets every event as it arrives, then the end marker ({@code end: true}). */
  final List<Consumer<JsonObject>> readers = new ArrayList<>();
  MessageConsumer<JsonObject> consumer;
  long timer = -1;
  String state = ACTIVE;
  String reason;
  long endedAt;
  int gateways;
  long matched;
  /** Set once ending has begun; completes with the end marker. */
  Promise<JsonObject> ending;

  Trace(String id, TraceSpec spec, long startedAt) {
    this.id = id;
    this.spec = spec;
    this.startedAt = startedAt;
    this.endsAt = startedAt + spec.seconds() * 1000L;
  }

  String address() {
    return Addresses.TRACE_EVENTS_PREFIX + id;
  }

  boolean active() {
    return ACTIVE.equals(state);
  }

  /** An event from a gateway: kept and handed to the live readers (late ones, after the end, are ignored). */
  void event(JsonObject event) {
    if (!ENDED.equals(state)) {
      JsonObject numbered = buffer.add(event);
      for (Consumer<JsonObject> reader : new ArrayList<>(readers)) {
        reader.accept(numbered);
      }
    }
  }

  /** Marks the trace ended and gives every reader the end marker, which is returned. */
  JsonObject ended(String why, long now) {
    state = ENDED;
    reason = why;
    endedAt = now;
    JsonObject marker = marker();
    for (Consumer<JsonObject> reader : new ArrayList<>(readers)) {
      reader.accept(marker);
    }
    readers.clear();
    return marker;
  }

  /** The end marker: {@code {ts, traceId, end: true, reason, captured, dropped, suppressed}}. */
  JsonObject marker() {
    return new JsonObject().put("ts", endedAt).put("traceId", id).put("end", true).put("reason", reason)
        .put("captured", buffer.received()).put("dropped", buffer.dropped()).put("suppressed", buffer.suppressed());
  }

  /**
   * {@code {traceId, ...spec, state, startedAt, endsAt, endedAt?, reason?, gateways, matched, captured, kept, dropped,
   * suppressed, address}}: {@code captured} events arrived, {@code kept} are in the buffer.
   */
  JsonObject summary() {
    JsonObject json = new JsonObject().put("traceId", id).mergeIn(spec.toJson()).put("state", state)
        .put("startedAt", startedAt).put("endsAt", endsAt);
    if (ENDED.equals(state)) {
      json.put("endedAt", endedAt).put("reason", reason);
    }
    return json.put("gateways", gateways).put("matched", matched).put("captured", buffer.received())
        .put("kept", buffer.size()).put("dropped", buffer.dropped()).put("suppressed", buffer.suppressed())
        .put("address", address());
  }
}
