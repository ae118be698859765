package io.quotecast.quote;

import io.quotecast.common.ConfigKeys;
import io.quotecast.common.Settings;

/** The quote verticle's settings, read once from the config tree. */
public record QuoteConfig(SimulatorMode mode, double updatesPerSecond, double skew, long seed, long tickMs,
                          String listingsFile, int historyQuote, int historyTrade, int historyKline,
                          int dailyBars, int minuteBars, long qualityStaleMs, double qualityStaleFactor) {
  /** {@code quality.*} defaults. */
  public static final long QUALITY_STALE_MS = 60_000;
  public static final double QUALITY_STALE_FACTOR = 10;

  /** With the default {@code quality.*} settings. */
  public QuoteConfig(SimulatorMode mode, double updatesPerSecond, double skew, long seed, long tickMs,
                     String listingsFile, int historyQuote, int historyTrade, int historyKline, int dailyBars,
                     int minuteBars) {
    this(mode, updatesPerSecond, skew, seed, tickMs, listingsFile, historyQuote, historyTrade, historyKline,
        dailyBars, minuteBars, QUALITY_STALE_MS, QUALITY_STALE_FACTOR);
  }

  public QuoteConfig {
    if (updatesPerSecond < 0) {
      throw new IllegalArgumentException("simulator.updatesPerSecond must be >= 0");
    }
    if (skew < 0) {
      throw new IllegalArgumentException("simulator.skew must be >= 0");
    }
    if (tickMs <= 0) {
      throw new IllegalArgumentException("simulator.tickMs must be > 0");
    }
    if (historyQuote < 0 || historyTrade < 0 || historyKline < 0 || dailyBars < 0 || minuteBars < 0) {
      throw new IllegalArgumentException("history.* and backfill.* must be >= 0");
    }
  }

  public static QuoteConfig from(Settings s) {
    return new QuoteConfig(
        SimulatorMode.fromConfig(s.getString(ConfigKeys.SIMULATOR_MODE)),
        s.getDouble(ConfigKeys.SIMULATOR_UPDATES_PER_SECOND),
        s.getDouble(ConfigKeys.SIMULATOR_SKEW),
        s.getLong(ConfigKeys.SIMULATOR_SEED),
        s.getLong(ConfigKeys.SIMULATOR_TICK_MS),
        s.get(ConfigKeys.SYMBOLS_LISTINGS_FILE) == null ? "" : s.getString(ConfigKeys.SYMBOLS_LISTINGS_FILE),
        s.getInt(ConfigKeys.HISTORY_QUOTE),
        s.getInt(ConfigKeys.HISTORY_TRADE),
        s.getInt(ConfigKeys.HISTORY_KLINE),
        s.getInt(ConfigKeys.BACKFILL_DAILY_BARS),
        s.getInt(ConfigKeys.BACKFILL_MINUTE_BARS),
        s.get(ConfigKeys.QUALITY_STALE_MS) == null ? QUALITY_STALE_MS : s.getLong(ConfigKeys.QUALITY_STALE_MS),
        s.get(ConfigKeys.QUALITY_STALE_FACTOR) == null ? QUALITY_STALE_FACTOR
            : s.getDouble(ConfigKeys.QUALITY_STALE_FACTOR));
  }

  /** Updates per timer tick, fractional (the verticle carries the fraction over). */
  public double updatesPerTick() {
    return updatesPerSecond * tickMs / 1000.0;
  }
}
