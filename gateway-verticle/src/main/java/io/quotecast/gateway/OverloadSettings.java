package io.quotecast.gateway;

import io.quotecast.common.ConfigKeys;
import io.quotecast.common.Freq;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.Settings;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The overload ladder's settings ({@code overload.*}): a threshold per input (0 = the input is ignored), the recovery
 * fraction, the pace of the steps, the degraded freq and the shedding rate. Read from config at start and changed at
 * run time by {@code POST /admin/overload} ({@link #with}), which validates like the config rules do.
 */
record OverloadSettings(boolean enabled, double cpuPercent, long eventLoopLagMs, long sendQueueBytes,
                        double recoverBelow, long stepUpMs, long stepDownMs, Freq degradedFreq, int shedPerSecond) {

  /** The fields {@link #with} accepts, as {@code toJson} names them. */
  static final List<String> FIELDS = List.of("enabled", "cpuPercent", "eventLoopLagMs", "sendQueueBytes",
      "recoverBelow", "stepUpMs", "stepDownMs", "degradedFreq", "shedPerSecond");

  private static final long MAX_LAG_MS = 600_000;
  private static final long MAX_QUEUE_BYTES = 1L << 40;
  private static final long MAX_STEP_MS = 3_600_000;
  private static final int MAX_SHED_PER_SECOND = 100_000;

  OverloadSettings {
    check(cpuPercent >= 0 && cpuPercent <= 100, "cpuPercent", "a number from 0 (ignored) to 100 (% of the machine)");
    check(eventLoopLagMs >= 0 && eventLoopLagMs <= MAX_LAG_MS, "eventLoopLagMs",
        "an integer from 0 (ignored) to " + MAX_LAG_MS + " (ms)");
    check(sendQueueBytes >= 0 && sendQueueBytes <= MAX_QUEUE_BYTES, "sendQueueBytes",
        "an integer from 0 (ignored) to " + MAX_QUEUE_BYTES + " (bytes)");
    check(recoverBelow >= 0.05 && recoverBelow <= 1, "recoverBelow", "a number from 0.05 to 1");
    check(stepUpMs >= 0 && stepUpMs <= MAX_STEP_MS, "stepUpMs", "an integer from 0 to " + MAX_STEP_MS + " (ms)");
    check(stepDownMs >= 0 && stepDownMs <= MAX_STEP_MS, "stepDownMs", "an integer from 0 to " + MAX_STEP_MS + " (ms)");
    check(degradedFreq != null && !degradedFreq.isRealtime(), "degradedFreq",
        "a freq slower than realtime, one of " + Freq.wireNames().subList(1, Freq.values().length));
    check(shedPerSecond >= 1 && shedPerSecond <= MAX_SHED_PER_SECOND, "shedPerSecond",
        "an integer from 1 to " + MAX_SHED_PER_SECOND);
  }

  static OverloadSettings from(Settings s) {
    return new OverloadSettings(s.getBoolean(ConfigKeys.OVERLOAD_ENABLED), s.getDouble(ConfigKeys.OVERLOAD_CPU_PERCENT),
        s.getLong(ConfigKeys.OVERLOAD_EVENT_LOOP_LAG_MS), s.getLong(ConfigKeys.OVERLOAD_SEND_QUEUE_BYTES),
        s.getDouble(ConfigKeys.OVERLOAD_RECOVER_BELOW), s.getLong(ConfigKeys.OVERLOAD_STEP_UP_MS),
        s.getLong(ConfigKeys.OVERLOAD_STEP_DOWN_MS), s.getFreq(ConfigKeys.OVERLOAD_DEGRADED_FREQ),
        s.getInt(ConfigKeys.OVERLOAD_SHED_PER_SECOND));
  }

  /**
   * These settings with {@code changes} applied: any of {@link #FIELDS}, typed as {@link #toJson} writes them. Fails
   * with BAD_REQUEST naming the {@code field} on an unknown field, a wrong type or a value out of range, changing
   * nothing.
   */
  OverloadSettings with(JsonObject changes) {
    if (changes == null || changes.isEmpty()) {
      throw ProtocolException.badRequest("body", "the body must be an object with one or more of " + FIELDS);
    }
    for (String field : changes.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw ProtocolException.badRequest(field, "unknown field " + field + "; the settings are " + FIELDS);
      }
    }
    return new OverloadSettings(
        bool(changes, "enabled", enabled),
        number(changes, "cpuPercent", cpuPercent),
        integer(changes, "eventLoopLagMs", eventLoopLagMs),
        integer(changes, "sendQueueBytes", sendQueueBytes),
        number(changes, "recoverBelow", recoverBelow),
        integer(changes, "stepUpMs", stepUpMs),
        integer(changes, "stepDownMs", stepDownMs),
        freq(changes, "degradedFreq", degradedFreq),
        (int) Math.min(Integer.MAX_VALUE, integer(changes, "shedPerSecond", shedPerSecond)));
  }

  /** How long a refused client should wait before trying this node again: the soonest the level can fall a step. */
  long retryAfterMs() {
    return Math.max(1000, stepDownMs);
  }

  /** Slowed subscriptions get their own freq back at random moments within this window, not all at once. */
  long restoreSpreadMs() {
    return Math.min(stepDownMs, 10_000);
  }

  JsonObject toJson() {
    return new JsonObject().put("enabled", enabled).put("cpuPercent", cpuPercent)
        .put("eventLoopLagMs", eventLoopLagMs).put("sendQueueBytes", sendQueueBytes)
        .put("recoverBelow", recoverBelow).put("stepUpMs", stepUpMs).put("stepDownMs", stepDownMs)
        .put("degradedFreq", degradedFreq.wire()).put("shedPerSecond", shedPerSecond);
  }

  private static void check(boolean ok, String field, String expected) {
    if (!ok) {
      throw ProtocolException.badRequest(field, field + ": expected " + expected);
    }
  }

  /** The field's value, or {@code current} when the field is absent (an explicit null is a bad value). */
  private static Object value(JsonObject changes, String field, Object current) {
    return changes.containsKey(field) ? changes.getValue(field) : current;
  }

  private static boolean bool(JsonObject changes, String field, boolean current) {
    Object v = value(changes, field, current);
    if (!(v instanceof Boolean b)) {
      throw ProtocolException.badRequest(field, field + ": expected true or false, got " + v);
    }
    return b;
  }

  private static double number(JsonObject changes, String field, double current) {
    Object v = value(changes, field, current);
    if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
      throw ProtocolException.badRequest(field, field + ": expected a number, got " + v);
    }
    return n.doubleValue();
  }

  private static long integer(JsonObject changes, String field, long current) {
    Object v = value(changes, field, current);
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
        || Math.abs(n.doubleValue()) > Long.MAX_VALUE / 2.0) {
      throw ProtocolException.badRequest(field, field + ": expected an integer, got " + v);
    }
    return n.longValue();
  }

  private static Freq freq(JsonObject changes, String field, Freq current) {
    Object v = value(changes, field, current.wire());
    Freq f = v instanceof String s ? Freq.fromWire(s.trim()) : null;
    if (f == null) {
      throw ProtocolException.badRequest(field, field + ": expected one of " + Freq.wireNames() + ", got " + v);
    }
    return f;
  }
}
