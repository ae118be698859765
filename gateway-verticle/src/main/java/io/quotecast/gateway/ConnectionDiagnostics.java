package io.quotecast.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection as the admin API shows it. Read on the session's event loop (the send-queue size comes from the
 * socket itself).
 */
final class ConnectionDiagnostics {
  private ConnectionDiagnostics() {}

  /**
   * {@code {connectionId, node, member, transport, remoteAddress, user, tier, anonymous, client, connectedAt,
   * lastActivity, subscriptions, queueBytes, sent, received, bytesSent, conflated, dropped, held, rttMs, ackLag, batch,
   * traces}}: {@code ackLag} is the largest over its subscriptions (null before any ack), {@code conflated} the sum
   * over its current subscriptions, {@code queueBytes} and {@code rttMs} null where the transport cannot tell.
   */
  static JsonObject summary(Session s, String member) {
    long conflated = 0;
    Long ackLag = null;
    for (Subscription sub : s.subscriptions.values()) {
      conflated += sub.conflated;
      Long lag = sub.ackLag();
      if (lag != null && (ackLag == null || lag > ackLag)) {
        ackLag = lag;
      }
    }
    long queued = s.transport.queuedBytes();
    return new JsonObject()
        .put("connectionId", s.id).put("node", s.gw.nodeId).put("member", member)
        .put("transport", s.transport.name()).put("remoteAddress", s.transport.remoteAddress())
        .put("user", s.principal == null ? null : s.principal.userId())
        .put("tier", s.tier == null ? null : s.tier.tier())
        .put("anonymous", s.principal != null && s.principal.anonymous())
        .put("client", s.clientName)
        .put("connectedAt", s.connectedAt).put("lastActivity", s.lastActivity)
        .put("subscriptions", s.subscriptions.size())
        .put("queueBytes", queued < 0 ? null : queued)
        .put("sent", s.sent).put("received", s.received).put("bytesSent", s.bytesSent)
        .put("conflated", conflated).put("dropped", s.dropped).put("held", s.heldCount())
        .put("rttMs", s.rttMs()).put("ackLag", ackLag).put("batch", s.batchMs)
        .put("traces", s.trace == null ? new JsonArray() : new JsonArray(List.of((Object[]) s.trace.ids())));
  }

  /**
   * The summary plus {@code channels} (each subscription as the {@code list} op shows it, with {@code acked},
   * {@code ackLag}), {@code scopes}, {@code expiresAt}, {@code limits}, {@code pendingRequests} and whether the
   * subscription role counts the connection ({@code registered}).
   */
  static JsonObject detail(Session s, String member) {
    JsonArray channels = new JsonArray();
    s.subscriptions.values().forEach(sub -> channels.add(sub.toJson()));
    JsonObject json = summary(s, member).put("channels", channels)
        .put("limits", s.tier == null ? null : s.gw.limits(s.tier))
        .put("pendingRequests", s.pendingRequests()).put("registered", s.registered)
        .put("welcomed", s.welcomed()).put("askedToMove", s.askedToMove);
    if (s.principal != null) {
      json.put("scopes", new JsonArray(new ArrayList<>(s.principal.scopes())))
          .put("expiresAt", s.principal.expiresAtMs() > 0 ? s.principal.expiresAtMs() : null);
    }
    return json;
  }
}
