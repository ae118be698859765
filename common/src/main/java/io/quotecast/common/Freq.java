package io.quotecast.common;

import java.util.Arrays;
import java.util.List;

/** Delivery frequencies of PROTOCOL.md §4/§6; {@code realtime} sends every publication. */
public enum Freq {
  REALTIME("realtime", 0),
  MS100("100ms", 100),
  MS250("250ms", 250),
  MS500("500ms", 500),
  S1("1s", 1_000),
  S3("3s", 3_000),
  S5("5s", 5_000),
  S10("10s", 10_000),
  M1("1m", 60_000);

  private final String wire;
  private final long periodMs;

  Freq(String wire, long periodMs) {
    this.wire = wire;
    this.periodMs = periodMs;
  }

  public String wire() {
    return wire;
  }

  public long periodMs() {
    return periodMs;
  }

  public boolean isRealtime() {
    return periodMs == 0;
  }

  /** The slower of the two (a tier's minimum freq raises a requested one). */
  public Freq atLeast(Freq min) {
    return min.periodMs > periodMs ? min : this;
  }

  public static Freq fromWire(String s) {
    if (s != null) {
      for (Freq f : values()) {
        if (f.wire.equalsIgnoreCase(s)) {
          return f;
        }
      }
    }
    return null;
  }

  public static List<String> wireNames() {
    return Arrays.stream(values()).map(Freq::wire).toList();
  }
}
