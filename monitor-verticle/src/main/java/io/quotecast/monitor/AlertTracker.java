package io.quotecast.monitor;

import io.vertx.core.json.JsonObject;

/**
 * One rule's alert lifecycle on one node, with hysteresis: the rule must breach in every evaluation for
 * {@code forMs} to fire, and must not breach (or be unknown) in every evaluation for {@code clearMs} to resolve, so a
 * value hovering around the threshold neither fires nor resolves on every other second. Pure: the caller passes the
 * time.
 */
final class AlertTracker {
  private final AlertRule rule;
  private final String node;
  private final String member;
  /** When the current run of breaching evaluations began; -1: not breaching. */
  private long breachSince = -1;
  /** While firing, when the current run of non-breaching evaluations began; -1: none. */
  private long clearSince = -1;
  private Alert firing;
  private double peak;

  AlertTracker(AlertRule rule, String node, String member) {
    this.rule = rule;
    this.node = node;
    this.member = member;
  }

  Alert firing() {
    return firing;
  }

  /** Takes one evaluation's observation; returns the alert when it fires or resolves now, else null. */
  Alert observe(long now, Observation o) {
    if (o.breached()) {
      clearSince = -1;
      if (breachSince < 0) {
        breachSince = now;
      }
      if (firing != null) {
        peak = Math.max(peak, o.value());
      } else if (now - breachSince >= rule.forMs) {
        peak = o.value();
        firing = new Alert(rule.name + "-" + node + "-" + now, rule.name, rule.severity, node, member, Alert.FIRING,
            breachSince, now, null, o.value(), rule.threshold, rule.unit, firingMessage(o),
            o.details().copy().put("forMs", rule.forMs).put("clearMs", rule.clearMs));
        return firing;
      }
      return null;
    }
    breachSince = -1;
    if (firing == null) {
      return null;
    }
    if (clearSince < 0) {
      clearSince = now;
    }
    if (now - clearSince < rule.clearMs) {
      return null;
    }
    JsonObject details = firing.details().copy().put("peak", peak).put("lastValue", o.value())
        .put("resolution", o.message());
    Alert resolved = firing.resolved(now, rule.name + " resolved on " + node + " after "
        + AlertChecks.number(Math.round((now - firing.firedAt()) / 100.0) / 10.0) + " s: " + o.message(), details);
    firing = null;
    clearSince = -1;
    return resolved;
  }

  private String firingMessage(Observation o) {
    return o.message() + (rule.forMs > 0 ? " for " + AlertChecks.number(rule.forMs / 1000.0) + " s" : "") + " on "
        + node;
  }
}
