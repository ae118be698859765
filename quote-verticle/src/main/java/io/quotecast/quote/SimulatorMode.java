package io.quotecast.quote;

import java.util.Locale;

/** {@code simulator.mode}: {@code continuous} always trades (demo); {@code realistic} follows the Shanghai clock. */
public enum SimulatorMode {
  CONTINUOUS,
  REALISTIC;

  public static SimulatorMode fromConfig(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("config key simulator.mode: expected continuous or realistic, got '" + s + "'");
    }
  }
}
