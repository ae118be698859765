package io.quotecast.common;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;

/**
 * K-line intervals. Minute bars are aligned to the clock (Asia/Shanghai is a whole-hour offset, so UTC minute
 * boundaries are Shanghai minute boundaries); daily bars span one Shanghai calendar day.
 */
public enum KlineInterval {
  M1("1m", 60_000L),
  M5("5m", 5 * 60_000L),
  M15("15m", 15 * 60_000L),
  M30("30m", 30 * 60_000L),
  M60("60m", 60 * 60_000L),
  D1("1d", 24 * 60 * 60_000L);

  public static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  private static final long SHANGHAI_OFFSET_MS = 8 * 60 * 60_000L;

  private final String wire;
  private final long millis;

  KlineInterval(String wire, long millis) {
    this.wire = wire;
    this.millis = millis;
  }

  public String wire() {
    return wire;
  }

  public long millis() {
    return millis;
  }

  /** Start of the bar that contains {@code time} (epoch ms). */
  public long openTime(long time) {
    if (this == D1) {
      // Shanghai has had no DST since 1991, so a fixed +8h offset is exact for market data.
      long local = time + SHANGHAI_OFFSET_MS;
      return local - Math.floorMod(local, millis) - SHANGHAI_OFFSET_MS;
    }
    return time - Math.floorMod(time, millis);
  }

  /** Last millisecond of the bar that opened at {@code openTime}. */
  public long closeTime(long openTime) {
    return openTime + millis - 1;
  }

  /** Shanghai trading date of an instant. */
  public static LocalDate tradingDate(long time) {
    return java.time.Instant.ofEpochMilli(time).atZone(SHANGHAI).toLocalDate();
  }

  public static KlineInterval fromWire(String s) {
    if (s != null) {
      for (KlineInterval i : values()) {
        if (i.wire.equalsIgnoreCase(s)) {
          return i;
        }
      }
    }
    return null;
  }

  public static List<String> wireNames() {
    return Arrays.stream(values()).map(KlineInterval::wire).toList();
  }
}
