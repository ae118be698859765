package io.quotecast.monitor;

import io.vertx.core.json.JsonObject;

/**
 * One rule's look at one evaluation's figures: the value it compares ({@code null}: unknown, e.g. no latency sample
 * in the last second or no data source on the node), whether it breaches the rule, a sentence saying so, and details
 * for the alert. An unknown value never breaches: a rule fires only on what it could measure.
 */
record Observation(Double value, boolean breached, String message, JsonObject details) {

  static Observation unknown(String why) {
    return new Observation(null, false, why, new JsonObject());
  }

  static Observation of(double value, boolean breached, String message, JsonObject details) {
    return new Observation(value, breached, message, details);
  }
}
