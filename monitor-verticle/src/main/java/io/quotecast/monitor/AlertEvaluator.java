package io.quotecast.monitor;

import java.util.ArrayList;
import java.util.List;

/**
 * Every enabled rule of one node, evaluated together on each of that node's figures: the alerts that fire or resolve
 * in this evaluation. Disabled rules are never looked at. Pure.
 */
final class AlertEvaluator {
  private record Entry(AlertRule rule, AlertTracker tracker) {
  }

  private final List<Entry> entries = new ArrayList<>();

  AlertEvaluator(List<AlertRule> rules, String node, String member) {
    for (AlertRule rule : rules) {
      if (rule.enabled) {
        entries.add(new Entry(rule, new AlertTracker(rule, node, member)));
      }
    }
  }

  /** Whether a rule needs the stale-symbol count (asking the quality report every second costs a round trip). */
  boolean uses(String ruleName) {
    return entries.stream().anyMatch(e -> e.rule().name.equals(ruleName));
  }

  /** The alerts that fired or resolved in this evaluation, in rule order. */
  List<Alert> evaluate(AlertInputs in) {
    List<Alert> changes = new ArrayList<>();
    for (Entry e : entries) {
      Alert change = e.tracker().observe(in.now(), e.rule().observe(in));
      if (change != null) {
        changes.add(change);
      }
    }
    return changes;
  }

  /** This node's alerts firing now. */
  List<Alert> firing() {
    return entries.stream().map(e -> e.tracker().firing()).filter(java.util.Objects::nonNull).toList();
  }
}
