package io.quotecast.gateway;

import io.quotecast.common.Addresses;
import io.quotecast.common.ChannelKey;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.Publication;
import io.quotecast.common.admin.TraceSpec;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * One message trace on one gateway instance. It is shown the messages of what it watches — requests in and messages
 * out of a traced connection, or for a symbol the publications the feeds receive and the channel messages written for
 * it — and publishes each as an event on {@code monitor.trace.<traceId>}:
 * {@code {ts, traceId, node, connectionId, user, direction: in|out, type, id?, ch, seq, bytes, latencyMs, text}}
 * ({@code latencyMs}: source time to now, for channel data; {@code text} cut to {@value #MAX_TEXT} characters).
 *
 * <p>A traced realtime connection or a busy symbol can produce far more than anyone reads, so each instance sends at
 * most {@value #MAX_EVENTS_PER_SECOND} events per second per trace; the others are counted ({@link #suppressed}) and
 * the next event sent says how many were {@code skipped} before it. The check comes before any parsing, so a trace
 * over its rate costs a counter. Runs on the instance's event loop.
 */
final class TraceTap {
  static final int MAX_TEXT = 300;
  static final int MAX_EVENTS_PER_SECOND = 200;

  final String traceId;
  final TraceSpec spec;
  private final Gateway gw;
  private final String address;
  /** The timer that ends this trace on this instance. */
  long timer = -1;
  long emitted;
  long suppressed;
  private long skipped;
  private long windowStart;
  private int inWindow;

  TraceTap(Gateway gw, String traceId, TraceSpec spec) {
    this.gw = gw;
    this.traceId = traceId;
    this.spec = spec;
    this.address = Addresses.TRACE_EVENTS_PREFIX + traceId;
  }

  /** A client message arrived on a traced connection. */
  void in(Session session, String text, long now) {
    if (!admit(now)) {
      return;
    }
    String op = null;
    String id = null;
    try {
      JsonObject request = new JsonObject(text);
      op = request.getValue("op") instanceof String s ? s : null;
      id = request.getValue("id") instanceof String s ? s : null;
    } catch (RuntimeException e) {
      op = "malformed";
    }
    emit(event(now, session, "in", op, null, null).put("id", id)
        .put("bytes", text.getBytes(StandardCharsets.UTF_8).length).put("text", cut(text)));
  }

  /** A message is sent (or batched) on a traced connection: replies, notices and channel messages alike. */
  void out(Session session, OutboundMessage message, long now) {
    if (!admit(now)) {
      return;
    }
    String text = message.text();
    String ch = EnvelopeFields.string(text, "ch");
    Long seq = ch == null ? null : EnvelopeFields.number(text, "seq");
    JsonObject event = event(now, session, "out", EnvelopeFields.string(text, "type"), ch, seq);
    String id = EnvelopeFields.string(text, "id");
    if (id != null) {
      event.put("id", id);
    }
    emit(event.put("bytes", message.byteLength()).put("latencyMs", ch == null ? null : latency(ch, seq, now))
        .put("text", cut(text)));
  }

  /** A feed of the traced symbol received a publication from the bus. */
  void received(Publication p, long now) {
    if (!admit(now)) {
      return;
    }
    emit(event(now, null, "in", p.type().wire(), p.channel(), p.seq()).put("epoch", p.epoch())
        .put("bytes", p.data().getBytes(StandardCharsets.UTF_8).length)
        .put("latencyMs", Math.max(0, now - p.sourceTime())).put("text", cut(p.data())));
  }

  /** A channel message of the traced symbol was written to a connection. */
  void wrote(Subscription sub, OutboundMessage message, long seq, long now) {
    if (!admit(now)) {
      return;
    }
    String text = message.text();
    emit(event(now, sub.session, "out", EnvelopeFields.string(text, "type"), sub.key.toString(), seq)
        .put("bytes", message.byteLength()).put("latencyMs", latency(sub.key, seq, now)).put("text", cut(text)));
  }

  private JsonObject event(long now, Session session, String direction, String type, String ch, Long seq) {
    return new JsonObject().put("ts", now).put("traceId", traceId).put("node", gw.nodeId)
        .put("connectionId", session == null ? null : session.id)
        .put("user", session == null || session.principal == null ? null : session.principal.userId())
        .put("direction", direction).put("type", type).put("ch", ch).put("seq", seq);
  }

  private void emit(JsonObject event) {
    if (skipped > 0) {
      event.put("skipped", skipped);
      skipped = 0;
    }
    emitted++;
    gw.vertx.eventBus().publish(address, event);
  }

  /** The per-second budget; over it the event is only counted. */
  private boolean admit(long now) {
    if (now - windowStart >= 1000) {
      windowStart = now;
      inWindow = 0;
    }
    if (inWindow >= MAX_EVENTS_PER_SECOND) {
      suppressed++;
      skipped++;
      return false;
    }
    inWindow++;
    return true;
  }

  /** Source time to now of the publication {@code seq} of {@code ch}, when it is the feed's latest; else null. */
  private Long latency(String ch, Long seq, long now) {
    if (seq == null) {
      return null;
    }
    try {
      return latency(ChannelKey.parse(ch), seq, now);
    } catch (ProtocolException e) {
      return null;
    }
  }

  private Long latency(ChannelKey key, long seq, long now) {
    ChannelFeed feed = gw.feeds.get(key);
    Publication latest = feed == null ? null : feed.latest;
    return latest != null && latest.seq() == seq ? Math.max(0, now - latest.sourceTime()) : null;
  }

  private static String cut(String text) {
    return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "…";
  }
}
