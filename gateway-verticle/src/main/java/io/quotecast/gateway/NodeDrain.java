package io.quotecast.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Draining one gateway instance, the same for a graceful stop (SIGTERM, undeploy) and an operator's drain: the node is
 * marked draining — readiness down, new connections refused with 503 ({@link Admission}) — and every session is told
 * to reconnect to the other nodes at a random moment within {@code shutdown.drainMs}, so they do not all arrive at
 * once, then closed with 1012.
 */
final class NodeDrain {
  private NodeDrain() {}

  /** Drains the instance of {@code gw}; returns how many sessions were told to move. */
  static int drain(Gateway gw) {
    gw.nodeState.draining(true);
    List<String> endpoints = gw.fleet.alternatives();
    List<Session> sessions = new ArrayList<>(gw.sessions);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (Session session : sessions) {
      session.shutdown(random.nextLong(gw.drainMs + 1), endpoints);
    }
    return sessions.size();
  }
}
