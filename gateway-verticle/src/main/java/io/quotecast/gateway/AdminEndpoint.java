package io.quotecast.gateway;

import io.quotecast.common.Addresses;
import io.quotecast.common.MessageTypes;
import io.quotecast.common.admin.ConnectionQuery;
import io.quotecast.common.admin.GatewayAdmin;
import io.quotecast.common.admin.TraceSpec;
import io.quotecast.common.cluster.ClusterView;
import io.quotecast.common.cluster.ScatterGather;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway instance's side of the admin API: it answers the monitor's questions on
 * {@link Addresses#GATEWAY_ADMIN} ({@link GatewayAdmin}) about the connections it owns — list, one in detail, close
 * one (4100) — drains on a node-local command ({@link NodeDrain}) and starts and stops message traces
 * ({@link GatewayTraces}). Its consumer runs on the instance's event loop, where its sessions live.
 */
final class AdminEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(AdminEndpoint.class);
  /** Node-local registry of the instances answering, so each answer can say how many its node sends. */
  private static final String INSTANCES_MAP = "quotecast.gateway.admin.instances";
  /** WebSocket close reasons are limited to 123 bytes. */
  private static final int MAX_CLOSE_REASON_BYTES = 123;
  static final String DEFAULT_CLOSE_REASON = "closed by an operator";

  private final Gateway gw;
  private final String member;
  private final LocalMap<String, Boolean> instances;
  private final String instanceKey = UUID.randomUUID().toString();
  private MessageConsumer<JsonObject> consumer;

  AdminEndpoint(Gateway gw) {
    this.gw = gw;
    this.member = ClusterView.of(gw.vertx).nodeId();
    this.instances = gw.vertx.sharedData().getLocalMap(INSTANCES_MAP);
  }

  Future<Void> start() {
    instances.put(instanceKey, true);
    consumer = gw.vertx.eventBus().consumer(Addresses.GATEWAY_ADMIN, this::handle);
    return consumer.completion();
  }

  Future<Void> stop() {
    instances.remove(instanceKey);
    gw.traces.stopAll();
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  private void handle(Message<JsonObject> message) {
    JsonObject q = message.body();
    JsonObject answer;
    try {
      answer = switch (q.getString(GatewayAdmin.ACTION, "")) {
        case GatewayAdmin.CONNECTIONS -> connections(ConnectionQuery.fromJson(q.getJsonObject("query",
            new JsonObject())));
        case GatewayAdmin.CONNECTION -> connection(q.getString("connectionId"));
        case GatewayAdmin.CLOSE -> close(q.getString("connectionId"), q.getString("reason"));
        case GatewayAdmin.DRAIN -> {
          int told = NodeDrain.drain(gw);
          LOG.info("draining on an operator's request: {} connections told to reconnect elsewhere", told);
          yield new JsonObject().put("drained", told);
        }
        case GatewayAdmin.TRACE_START -> new JsonObject().put("matched",
            gw.traces.start(q.getString("traceId"), TraceSpec.fromJson(q.getJsonObject("spec"))));
        case GatewayAdmin.TRACE_STOP -> traceStopped(gw.traces.stop(q.getString("traceId")));
        default -> new JsonObject().put("error", "unknown action " + q.getString(GatewayAdmin.ACTION));
      };
    } catch (RuntimeException e) {
      LOG.warn("admin request {} failed", q.encode(), e);
      answer = new JsonObject().put("error", String.valueOf(e));
    }
    ScatterGather.answer(gw.vertx, message, answer.put(GatewayAdmin.MEMBER, member)
        .put(GatewayAdmin.NODE, gw.nodeId).put(GatewayAdmin.INSTANCES, Math.max(1, instances.size())));
  }

  /** This instance's share of a page: its matching count and its first offset+limit connections in page order. */
  private JsonObject connections(ConnectionQuery query) {
    if (!query.wantsNode(gw.nodeId, member)) {
      return new JsonObject().put("total", 0).put("connections", new JsonArray());
    }
    List<JsonObject> all = new ArrayList<>(gw.sessions.size());
    long total = 0;
    for (Session session : gw.sessions) {
      JsonObject c = ConnectionDiagnostics.summary(session, member);
      if (query.matches(c)) {
        total++;
        all.add(c);
      }
    }
    return new JsonObject().put("total", total).put("connections", new JsonArray(new ArrayList<>(query.top(all))));
  }

  private Session find(String connectionId) {
    for (Session session : gw.sessions) {
      if (session.id.equals(connectionId)) {
        return session;
      }
    }
    return null;
  }

  private JsonObject connection(String connectionId) {
    Session session = find(connectionId);
    return session == null ? new JsonObject().put("found", false)
        : new JsonObject().put("found", true).put("connection", ConnectionDiagnostics.detail(session, member));
  }

  /** Closes a connection with 4100 (closed by an operator: clients do not reconnect on their own). */
  private JsonObject close(String connectionId, String reason) {
    Session session = find(connectionId);
    if (session == null || session.isClosed()) {
      return new JsonObject().put("found", false);
    }
    String why = closeReason(reason);
    session.log.info("closing connection on an operator's request: {}", why);
    session.close(MessageTypes.CLOSE_OPERATOR, why);
    return new JsonObject().put("found", true).put("code", MessageTypes.CLOSE_OPERATOR).put("reason", why)
        .put("user", session.principal == null ? null : session.principal.userId());
  }

  /** The reason as the close frame can carry it: not blank, at most 123 bytes of UTF-8. */
  static String closeReason(String reason) {
    String why = reason == null || reason.isBlank() ? DEFAULT_CLOSE_REASON : reason.strip();
    while (why.getBytes(StandardCharsets.UTF_8).length > MAX_CLOSE_REASON_BYTES) {
      why = why.substring(0, why.length() - 1);
    }
    return why;
  }

  private static JsonObject traceStopped(TraceTap tap) {
    return tap == null ? new JsonObject().put("stopped", false)
        : new JsonObject().put("stopped", true).put("emitted", tap.emitted).put("suppressed", tap.suppressed);
  }
}
