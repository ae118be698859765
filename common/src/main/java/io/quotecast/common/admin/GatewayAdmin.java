package io.quotecast.common.admin;

import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The questions the monitor asks every gateway instance on {@link io.quotecast.common.Addresses#GATEWAY_ADMIN}
 * ({@link io.quotecast.common.cluster.ScatterGather}): {@code {"action": ..}} plus the action's fields. Every answer
 * carries {@value #MEMBER} (the cluster member id), {@value #NODE} (the node's name) and {@value #INSTANCES} (how
 * many gateway instances that node runs), so the asker knows when every instance has answered ({@link #allAnswered}).
 */
public final class GatewayAdmin {
  private GatewayAdmin() {}

  public static final String ACTION = "action";
  /** {@code {query: ConnectionQuery}} -> {@code {total, connections: [diagnostics]}} (this instance's top). */
  public static final String CONNECTIONS = "connections";
  /** {@code {connectionId}} -> {@code {found, connection?: diagnostics with channels}}. */
  public static final String CONNECTION = "connection";
  /** {@code {connectionId, reason}} -> {@code {found}}; the owner closes it with 4100. */
  public static final String CLOSE = "close";
  /** Published node-locally, no answer: every session is told to reconnect elsewhere and closed with 1012. */
  public static final String DRAIN = "drain";
  /** {@code {traceId, spec: TraceSpec}} -> {@code {matched}}: start watching. */
  public static final String TRACE_START = "trace.start";
  /** {@code {traceId}} -> {@code {stopped, emitted, suppressed}}. */
  public static final String TRACE_STOP = "trace.stop";

  public static final String MEMBER = "member";
  public static final String NODE = "node";
  public static final String INSTANCES = "instances";

  /**
   * True once every node of {@code members} has answered as many times as it runs gateway instances. An empty
   * {@code members} (not known) is never complete: the asker then waits for its timeout.
   */
  public static boolean allAnswered(List<JsonObject> answers, Collection<String> members) {
    if (members.isEmpty()) {
      return false;
    }
    Map<String, Integer> got = new HashMap<>();
    Map<String, Integer> instances = new HashMap<>();
    for (JsonObject answer : answers) {
      String member = answer.getString(MEMBER);
      got.merge(member, 1, Integer::sum);
      instances.put(member, answer.getInteger(INSTANCES, 1));
    }
    for (String member : members) {
      Integer n = got.get(member);
      if (n == null || n < instances.get(member)) {
        return false;
      }
    }
    return true;
  }
}
