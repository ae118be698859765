package io.quotecast.monitor;

import io.quotecast.common.ErrorCode;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.admin.GatewayAdmin;
import io.quotecast.common.admin.TraceSpec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Message tracing on the operations port (behind {@link AdminAuth}). {@code POST /admin/traces} with
 * {@code {"connectionId"|"user"|"symbol": .., "seconds": N}} starts a trace on every gateway instance of the cluster
 * ({@link GatewayAdmin#TRACE_START}); their events arrive on {@code monitor.trace.<traceId>}, where this monitor keeps
 * them ({@link TraceBuffer}) and dashboards may listen too. A trace ends by itself after its seconds, or on
 * {@code DELETE /admin/traces/{id}}; either way the gateways are told to stop and an end marker
 * ({@code {traceId, end: true, reason, captured, dropped, suppressed}}) is published on the same address.
 * {@code GET /admin/traces} lists the active and recent traces, {@code GET /admin/traces/{id}?after=n} returns one with
 * its kept events, {@code GET /admin/traces/{id}/stream} streams them as JSON lines (NDJSON) until the end marker —
 * what {@code quotecast-cli trace} reads. Traces live on the monitor that started them.
 */
final class TraceApi {
  private static final Logger LOG = LoggerFactory.getLogger(TraceApi.class);
  /** Active traces one monitor runs at once: each one costs every gateway a little. */
  static final int MAX_ACTIVE = 10;
  /** Ended traces kept for reading. */
  static final int MAX_RECENT = 20;

  private final Vertx vertx;
  private final GatewayQuestions gateways;
  private final Map<String, Trace> traces = new LinkedHashMap<>();

  TraceApi(Vertx vertx) {
    this.vertx = vertx;
    this.gateways = new GatewayQuestions(vertx);
  }

  void mount(Router router) {
    router.post("/admin/traces").handler(BodyHandler.create().setBodyLimit(4096)).handler(this::start);
    router.get("/admin/traces").handler(this::list);
    router.get("/admin/traces/:id").handler(this::get);
    router.get("/admin/traces/:id/stream").handler(this::stream);
    router.delete("/admin/traces/:id").handler(this::stop);
  }

  private void start(RoutingContext ctx) {
    TraceSpec spec;
    try {
      spec = TraceSpec.parse(Replies.body(ctx));
    } catch (ProtocolException e) {
      Replies.problem(ctx, 400, e);
      return;
    }
    long active = traces.values().stream().filter(Trace::active).count();
    if (active >= MAX_ACTIVE) {
      Replies.problem(ctx, 429, new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "at most " + MAX_ACTIVE
          + " traces at once; stop one first", new JsonObject().put("limit", "traces").put("max", MAX_ACTIVE)
          .put("current", active)));
      return;
    }
    Trace trace = new Trace("t-" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36), spec,
        System.currentTimeMillis());
    traces.put(trace.id, trace);
    forgetOldEnded();
    trace.consumer = vertx.eventBus().consumer(trace.address(), m -> trace.event(m.body()));
    // The consumer must be known cluster-wide before any gateway publishes to it.
    trace.consumer.completion()
        .compose(v -> {
          trace.timer = vertx.setTimer(spec.seconds() * 1000L, t -> end(trace, "expired"));
          return gateways.ask(new JsonObject().put(GatewayAdmin.ACTION, GatewayAdmin.TRACE_START)
              .put("traceId", trace.id).put("spec", spec.toJson()));
        })
        .onSuccess(answers -> {
          trace.gateways = answers.size();
          trace.matched = answers.stream().mapToLong(a -> a.getLong("matched", 0L)).sum();
          LOG.info("trace {} of {} for {} s started on {} gateway instances ({} matched now)", trace.id,
              spec.describe(), spec.seconds(), trace.gateways, trace.matched);
          ctx.response().putHeader("Location", "/admin/traces/" + trace.id);
          Replies.json(ctx, 201, trace.summary().put("links", new JsonObject()
              .put("events", "/admin/traces/" + trace.id).put("stream", "/admin/traces/" + trace.id + "/stream")));
        })
        .onFailure(failure -> {
          end(trace, "failed");
          ctx.fail(failure);
        });
  }

  private void list(RoutingContext ctx) {
    JsonArray list = new JsonArray();
    List<Trace> newestFirst = new ArrayList<>(traces.values());
    Collections.reverse(newestFirst);
    newestFirst.forEach(t -> list.add(t.summary()));
    Replies.json(ctx, 200, new JsonObject().put("traces", list)
        .put("active", traces.values().stream().filter(Trace::active).count()));
  }

  private void get(RoutingContext ctx) {
    Trace trace = find(ctx);
    if (trace == null) {
      return;
    }
    long after;
    try {
      String text = ctx.request().getParam("after");
      after = text == null ? 0 : Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      Replies.problem(ctx, 400, ProtocolException.badRequest("after", "after must be an event number"));
      return;
    }
    Replies.json(ctx, 200, trace.summary().put("events", new JsonArray(new ArrayList<>(trace.buffer.after(after)))));
  }

  /**
   * The kept events, then each new one as it arrives, one JSON object per line, ending with the end marker. A reader
   * that does not keep up loses events (counted in {@code lost} on the marker) rather than growing this server's
   * memory.
   */
  private void stream(RoutingContext ctx) {
    Trace trace = find(ctx);
    if (trace == null) {
      return;
    }
    HttpServerResponse response = ctx.response().setChunked(true).putHeader("Content-Type", "application/x-ndjson");
    trace.buffer.after(0).forEach(e -> response.write(e.encode() + "\n"));
    if (!trace.active()) {
      response.end(trace.marker().encode() + "\n");
      return;
    }
    long[] lost = {0};
    Consumer<JsonObject> reader = event -> {
      if (response.ended() || response.closed()) {
        return;
      }
      if (event.getBoolean("end", false)) {
        response.end(event.copy().put("lost", lost[0]).encode() + "\n");
      } else if (response.writeQueueFull()) {
        lost[0]++;
      } else {
        response.write(event.encode() + "\n");
      }
    };
    trace.readers.add(reader);
    response.closeHandler(v -> trace.readers.remove(reader));
  }

  private void stop(RoutingContext ctx) {
    Trace trace = find(ctx);
    if (trace != null) {
      end(trace, "stopped").onComplete(ar -> Replies.json(ctx, 200, trace.summary()));
    }
  }

  private Trace find(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Trace trace = traces.get(id);
    if (trace == null) {
      Replies.problem(ctx, 404, "NOT_FOUND", "no trace " + id + " on this monitor (traces live on the monitor that "
          + "started them)", new JsonObject().put("traceId", id));
    }
    return trace;
  }

  /**
   * Ends a trace once: the gateways stop it (their events sent before that still count), then it is marked ended and
   * the end marker goes to the readers and on the trace's address. Completes with the marker.
   */
  private Future<JsonObject> end(Trace trace, String reason) {
    if (trace.ending != null) {
      return trace.ending.future();
    }
    trace.ending = Promise.promise();
    vertx.cancelTimer(trace.timer);
    gateways.ask(new JsonObject().put(GatewayAdmin.ACTION, GatewayAdmin.TRACE_STOP).put("traceId", trace.id))
        .otherwise(List.of())
        .onComplete(ar -> {
          JsonObject marker = trace.ended(reason, System.currentTimeMillis());
          if (trace.consumer != null) {
            trace.consumer.unregister();
          }
          vertx.eventBus().publish(trace.address(), marker);
          LOG.info("trace {} of {} {}: {} events ({} dropped from the buffer, {} not sent by gateways)", trace.id,
              trace.spec.describe(), reason, trace.buffer.received(), trace.buffer.dropped(),
              trace.buffer.suppressed());
          trace.ending.complete(marker);
        });
    return trace.ending.future();
  }

  /** Keeps at most {@value #MAX_RECENT} ended traces, forgetting the oldest. */
  private void forgetOldEnded() {
    List<String> ended = traces.values().stream().filter(t -> !t.active()).map(t -> t.id).toList();
    for (int i = 0; i < ended.size() - MAX_RECENT; i++) {
      traces.remove(ended.get(i));
    }
  }
}
