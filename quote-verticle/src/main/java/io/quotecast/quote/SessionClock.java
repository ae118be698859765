package io.quotecast.quote;

import io.quotecast.common.KlineInterval;
import java.time.DayOfWeek;
import java.time.LocalDate;

/**
 * The A-share trading session as a pure function of time (Asia/Shanghai, a fixed +8h offset, no DST):
 * <pre>
 *   before 09:15     pre_open
 *   09:15 - 09:25    call_auction     indicative book/quote updates, no trades; opening match at 09:25
 *   09:25 - 09:30    pre_open         (the opening auction is finished, continuous trading has not begun)
 *   09:30 - 11:30    continuous
 *   11:30 - 13:00    lunch_break
 *   13:00 - 14:57    continuous
 *   14:57 - 15:00    closing_auction  indicative updates, no trades; closing match at 15:00
 *   from 15:00       closed
 *   Sat, Sun         closed
 * </pre>
 * Exchange holidays are not modelled: every weekday is a trading day. In {@link SimulatorMode#CONTINUOUS} mode the
 * phase is always {@code continuous}.
 */
public final class SessionClock {
  private static final long OFFSET = 8 * 3_600_000L;
  private static final long DAY = 86_400_000L;
  public static final int OPEN_CALL_START = 9 * 60 + 15;
  public static final int OPENING_MATCH = 9 * 60 + 25;
  public static final int MORNING_OPEN = 9 * 60 + 30;
  public static final int MORNING_CLOSE = 11 * 60 + 30;
  public static final int AFTERNOON_OPEN = 13 * 60;
  public static final int CLOSING_CALL_START = 14 * 60 + 57;
  public static final int CLOSING_MATCH = 15 * 60;

  private final SimulatorMode mode;

  public SessionClock(SimulatorMode mode) {
    this.mode = mode;
  }

  public SimulatorMode mode() {
    return mode;
  }

  public TradingPhase phase(long time) {
    return mode == SimulatorMode.CONTINUOUS ? TradingPhase.CONTINUOUS : realisticPhase(time);
  }

  /** The phase on the real Shanghai clock. */
  public static TradingPhase realisticPhase(long time) {
    if (!isTradingDay(KlineInterval.tradingDate(time))) {
      return TradingPhase.CLOSED;
    }
    int minute = minuteOfDay(time);
    if (minute < OPEN_CALL_START) {
      return TradingPhase.PRE_OPEN;
    }
    if (minute < OPENING_MATCH) {
      return TradingPhase.CALL_AUCTION;
    }
    if (minute < MORNING_OPEN) {
      return TradingPhase.PRE_OPEN;
    }
    if (minute < MORNING_CLOSE) {
      return TradingPhase.CONTINUOUS;
    }
    if (minute < AFTERNOON_OPEN) {
      return TradingPhase.LUNCH_BREAK;
    }
    if (minute < CLOSING_CALL_START) {
      return TradingPhase.CONTINUOUS;
    }
    if (minute < CLOSING_MATCH) {
      return TradingPhase.CLOSING_AUCTION;
    }
    return TradingPhase.CLOSED;
  }

  /** Minutes since Shanghai midnight. */
  public static int minuteOfDay(long time) {
    return (int) (Math.floorMod(time + OFFSET, DAY) / 60_000L);
  }

  /** Epoch ms of {@code minuteOfDay} on a Shanghai date. */
  public static long at(LocalDate date, int minuteOfDay) {
    return date.toEpochDay() * DAY - OFFSET + minuteOfDay * 60_000L;
  }

  /** Shanghai epoch day of an instant (days since 1970-01-01 in Shanghai time). */
  public static long epochDay(long time) {
    return Math.floorDiv(time + OFFSET, DAY);
  }

  public static boolean isTradingDay(LocalDate date) {
    DayOfWeek d = date.getDayOfWeek();
    return d != DayOfWeek.SATURDAY && d != DayOfWeek.SUNDAY;
  }

  /** The last trading day strictly before {@code date}. */
  public static LocalDate previousTradingDay(LocalDate date) {
    LocalDate d = date.minusDays(1);
    while (!isTradingDay(d)) {
      d = d.minusDays(1);
    }
    return d;
  }
}
