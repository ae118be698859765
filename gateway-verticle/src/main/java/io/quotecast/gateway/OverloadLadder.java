package io.quotecast.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;

/**
 * Decides the node's {@link OverloadLevel} from load samples. The pressure is the worst input relative to its threshold
 * (inputs with threshold 0, or not measured, are ignored). While the pressure is at least 1 the level climbs one step
 * per {@code stepUpMs}; while it is below {@code recoverBelow} it falls one step per {@code stepDownMs}; in between
 * it holds, and either count starts again, so a load hovering around the threshold neither climbs nor falls (the
 * hysteresis). Disabled, the level is normal at once. Pure: the caller passes the samples and the time.
 */
final class OverloadLadder {
  /** Level changes kept for the operations API. */
  static final int KEEP_TRANSITIONS = 20;

  /** One measurement of the inputs; a negative value means "not measured" (ignored). */
  record Sample(double cpuPercent, long eventLoopLagMs, long sendQueueBytes) {
    static final Sample NONE = new Sample(-1, -1, -1);
  }

  private OverloadSettings settings;
  private OverloadLevel level = OverloadLevel.NORMAL;
  private long since;
  /** When the pressure last became >= 1 (or the last step up), -1 while it is not. */
  private long overSince = -1;
  /** When the pressure last fell below recoverBelow (or the last step down), -1 while it is not. */
  private long underSince = -1;
  private Sample sample = Sample.NONE;
  private double pressure;
  private final Deque<JsonObject> transitions = new ArrayDeque<>();

  OverloadLadder(OverloadSettings settings, long now) {
    this.settings = settings;
    this.since = now;
  }

  OverloadLevel level() {
    return level;
  }

  /** When the current level began. */
  long since() {
    return since;
  }

  double pressure() {
    return pressure;
  }

  OverloadSettings settings() {
    return settings;
  }

  /**
   * New settings, effective from the next sample; the level stays where it is (disabling returns it to normal at
   * once). The climb or fall in progress starts counting again, since what counts as overloaded changed.
   */
  void configure(OverloadSettings next, long now) {
    settings = next;
    overSince = -1;
    underSince = -1;
    if (!next.enabled()) {
      move(OverloadLevel.NORMAL, now, "disabled");
    }
  }

  /** Takes a sample; returns the level after it. */
  OverloadLevel tick(Sample next, long now) {
    sample = next;
    pressure = pressure(settings, next);
    if (!settings.enabled()) {
      overSince = -1;
      underSince = -1;
      move(OverloadLevel.NORMAL, now, "disabled");
      return level;
    }
    if (pressure >= 1) {
      underSince = -1;
      if (overSince < 0) {
        overSince = now;
      }
      if (level != OverloadLevel.MAX && now - overSince >= settings.stepUpMs()) {
        move(level.up(), now, "overloaded");
        overSince = now;
      }
    } else if (pressure < settings.recoverBelow()) {
      overSince = -1;
      if (underSince < 0) {
        underSince = now;
      }
      if (level != OverloadLevel.NORMAL && now - underSince >= settings.stepDownMs()) {
        move(level.down(), now, "recovering");
        underSince = now;
      }
    } else {
      overSince = -1;
      underSince = -1;
    }
    return level;
  }

  private void move(OverloadLevel to, long now, String why) {
    if (to == level) {
      return;
    }
    transitions.addLast(new JsonObject().put("at", now).put("from", level.wire()).put("to", to.wire())
        .put("level", to.number()).put("pressure", round(pressure)).put("reason", why));
    while (transitions.size() > KEEP_TRANSITIONS) {
      transitions.removeFirst();
    }
    level = to;
    since = now;
  }

  /** The worst input relative to its threshold; 0 when every input is ignored or unmeasured. */
  static double pressure(OverloadSettings s, Sample sample) {
    double p = 0;
    p = Math.max(p, ratio(sample.cpuPercent(), s.cpuPercent()));
    p = Math.max(p, ratio(sample.eventLoopLagMs(), s.eventLoopLagMs()));
    p = Math.max(p, ratio(sample.sendQueueBytes(), s.sendQueueBytes()));
    return p;
  }

  private static double ratio(double value, double threshold) {
    return threshold <= 0 || value < 0 ? 0 : value / threshold;
  }

  /**
   * {@code {enabled, level, state, since, pressure, inputs: {cpuPercent|eventLoopLagMs|sendQueueBytes: {value,
   * threshold, pressure}}, inForce: {degraded, degradedFreq, refused, shed}, settings, transitions}}; an ignored
   * input has pressure null, an unmeasured one value null.
   */
  JsonObject toJson() {
    JsonObject inputs = new JsonObject()
        .put("cpuPercent", input(sample.cpuPercent() < 0 ? null : round(sample.cpuPercent()), settings.cpuPercent()))
        .put("eventLoopLagMs", input(sample.eventLoopLagMs() < 0 ? null : sample.eventLoopLagMs(),
            settings.eventLoopLagMs()))
        .put("sendQueueBytes", input(sample.sendQueueBytes() < 0 ? null : sample.sendQueueBytes(),
            settings.sendQueueBytes()));
    JsonObject inForce = new JsonObject()
        .put("degraded", new JsonArray(level.degradedTiers()))
        .put("degradedFreq", level.degradedTiers().isEmpty() ? null : settings.degradedFreq().wire())
        .put("refused", new JsonArray(level.refusedTiers()))
        .put("shed", new JsonArray(level.shedTiers()));
    return new JsonObject().put("enabled", settings.enabled()).put("level", level.number()).put("state", level.wire())
        .put("since", since).put("pressure", round(pressure)).put("inputs", inputs).put("inForce", inForce)
        .put("settings", settings.toJson()).put("transitions", new JsonArray(new ArrayList<>(transitions)));
  }

  private static JsonObject input(Number value, Number threshold) {
    double t = threshold.doubleValue();
    Double p = t <= 0 || value == null ? null : round(value.doubleValue() / t);
    return new JsonObject().put("value", value).put("threshold", threshold).put("pressure", p);
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
