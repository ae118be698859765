package io.quotecast.monitor;

import io.quotecast.common.ConfigKeys;
import io.quotecast.common.Settings;
import java.util.ArrayList;
import java.util.List;

/**
 * One alert rule as configured under {@code alerts.<name>}: whether it is on, its severity, the threshold its value
 * must exceed, how long it must exceed it to fire ({@code forMs}) and how long it must not to resolve
 * ({@code clearMs}), and the {@link Check} that reads its value from the figures. Pure.
 */
final class AlertRule {
  static final String LATENCY_P99 = "latencyP99";
  static final String SOURCE_DOWN = "sourceDown";
  static final String STALE_SYMBOLS = "staleSymbols";
  static final String CONNECTION_DROP = "connectionDrop";
  static final String CPU = "cpu";
  static final String HEAP = "heap";
  static final String EVENT_LOOP_LAG = "eventLoopLag";
  static final List<String> NAMES =
      List.of(LATENCY_P99, SOURCE_DOWN, STALE_SYMBOLS, CONNECTION_DROP, CPU, HEAP, EVENT_LOOP_LAG);
  static final List<String> SEVERITIES = List.of("warning", "critical");
  private static final long MAX_MS = 86_400_000;

  /** Reads a rule's value from one evaluation's inputs and says whether it breaches {@code rule}. */
  interface Check {
    Observation observe(AlertInputs in, AlertRule rule);
  }

  final String name;
  final boolean enabled;
  final String severity;
  final double threshold;
  /** What the value and threshold count: {@code ms}, {@code %}, {@code sources}, {@code symbols}. */
  final String unit;
  final long forMs;
  final long clearMs;
  private final Check check;

  AlertRule(String name, boolean enabled, String severity, double threshold, String unit, long forMs, long clearMs,
            Check check) {
    this.name = name;
    this.enabled = enabled;
    this.severity = severity;
    this.threshold = threshold;
    this.unit = unit;
    this.forMs = forMs;
    this.clearMs = clearMs;
    this.check = check;
  }

  Observation observe(AlertInputs in) {
    return check.observe(in, this);
  }

  /** The value with its unit, as messages show it: {@code 812.5 ms}, {@code 93 %}, {@code 2 sources}. */
  String show(double value) {
    return AlertChecks.number(value) + " " + unit;
  }

  /**
   * Every rule of {@code alerts.*}, checked: an unknown severity, a negative threshold or a duration out of range
   * fails with a message naming the key, like the rest of the configuration.
   */
  static List<AlertRule> fromSettings(Settings s) {
    List<AlertRule> rules = new ArrayList<>();
    rules.add(rule(s, LATENCY_P99, "ms", AlertChecks::latencyP99));
    rules.add(rule(s, SOURCE_DOWN, "sources",
        AlertChecks.sourceDown(s.getBoolean(ConfigKeys.ALERTS_SOURCE_DOWN_INCLUDE_DEGRADED))));
    rules.add(rule(s, STALE_SYMBOLS, "symbols", AlertChecks::staleSymbols));
    long windowMs = range(s, ConfigKeys.ALERTS_CONNECTION_DROP_WINDOW_MS, 1000, MAX_MS);
    long minDrop = range(s, ConfigKeys.ALERTS_CONNECTION_DROP_MIN_DROP, 1, Integer.MAX_VALUE);
    rules.add(rule(s, CONNECTION_DROP, "%", new ConnectionDrop(windowMs, minDrop)));
    rules.add(rule(s, CPU, "%", AlertChecks::cpu));
    rules.add(rule(s, HEAP, "%", AlertChecks::heap));
    rules.add(rule(s, EVENT_LOOP_LAG, "ms", AlertChecks::eventLoopLag));
    return rules;
  }

  private static AlertRule rule(Settings s, String name, String unit, Check check) {
    String prefix = ConfigKeys.ALERTS_RULE_PREFIX + name + ".";
    boolean enabled = s.getBoolean(prefix + ConfigKeys.ALERTS_RULE_ENABLED);
    String severity = s.getString(prefix + ConfigKeys.ALERTS_RULE_SEVERITY).trim().toLowerCase(java.util.Locale.ROOT);
    if (!SEVERITIES.contains(severity)) {
      throw new IllegalArgumentException("config key " + prefix + ConfigKeys.ALERTS_RULE_SEVERITY
          + ": expected one of " + SEVERITIES + ", got '" + s.getString(prefix + ConfigKeys.ALERTS_RULE_SEVERITY)
          + "'");
    }
    double threshold = s.getDouble(prefix + ConfigKeys.ALERTS_RULE_THRESHOLD);
    if (!(threshold >= 0 && threshold < 1e15)) {
      throw new IllegalArgumentException("config key " + prefix + ConfigKeys.ALERTS_RULE_THRESHOLD
          + ": expected a number from 0, got " + threshold);
    }
    long forMs = range(s, prefix + ConfigKeys.ALERTS_RULE_FOR_MS, 0, MAX_MS);
    long clearMs = range(s, prefix + ConfigKeys.ALERTS_RULE_CLEAR_MS, 0, MAX_MS);
    return new AlertRule(name, enabled, severity, threshold, unit, forMs, clearMs, check);
  }

  private static long range(Settings s, String key, long min, long max) {
    long v = s.getLong(key);
    if (v < min || v > max) {
      throw new IllegalArgumentException("config key " + key + ": expected an integer from " + min + " to " + max
          + ", got " + v);
    }
    return v;
  }
}
