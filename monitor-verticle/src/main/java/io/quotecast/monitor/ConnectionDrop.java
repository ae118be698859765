package io.quotecast.monitor;

import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The connection-drop rule: the node's open connections fell by more than the threshold (% of the highest count seen
 * within {@code windowMs}) and by at least {@code minDrop}, so a busy node losing a third of its clients fires while
 * a quiet one losing two of three does not (unless configured to). A drop is an event: once the highest count ages
 * out of the window the condition ends, and the alert resolves after the rule's clear time. Pure; keeps the counts of
 * the window.
 */
final class ConnectionDrop implements AlertRule.Check {
  private record Sample(long at, long connections) {
  }

  private final long windowMs;
  private final long minDrop;
  private final Deque<Sample> window = new ArrayDeque<>();

  ConnectionDrop(long windowMs, long minDrop) {
    this.windowMs = windowMs;
    this.minDrop = minDrop;
  }

  @Override
  public Observation observe(AlertInputs in, AlertRule rule) {
    Double now = AlertChecks.number(in.figures().getValue("connections"));
    if (now == null) {
      return Observation.unknown("connections not known");
    }
    long current = now.longValue();
    while (!window.isEmpty() && in.now() - window.peekFirst().at() > windowMs) {
      window.removeFirst();
    }
    long highest = current;
    for (Sample s : window) {
      highest = Math.max(highest, s.connections());
    }
    window.addLast(new Sample(in.now(), current));
    long drop = highest - current;
    double percent = highest == 0 ? 0 : Math.round(drop * 1000.0 / highest) / 10.0;
    boolean breached = drop >= minDrop && percent > rule.threshold;
    JsonObject details = new JsonObject().put("from", highest).put("to", current).put("drop", drop)
        .put("windowMs", windowMs).put("minDrop", minDrop);
    String message = drop == 0 ? current + " connections, no drop within " + AlertChecks.number(windowMs / 1000.0)
        + " s" : "connections fell from " + highest + " to " + current + " (" + rule.show(percent) + ") within "
        + AlertChecks.number(windowMs / 1000.0) + " s";
    return Observation.of(percent, breached, message, details);
  }
}
