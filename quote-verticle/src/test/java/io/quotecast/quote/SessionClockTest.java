package io.quotecast.quote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class SessionClockTest {
  private static final ZoneId SH = ZoneId.of("Asia/Shanghai");

  private static long at(String localDateTime) {
    return LocalDateTime.parse(localDateTime).atZone(SH).toInstant().toEpochMilli();
  }

  private static TradingPhase phase(String t) {
    return SessionClock.realisticPhase(at(t));
  }

  @Test
  void weekdayPhases() {
    // 2025-11-24 is a Monday
    assertEquals(TradingPhase.PRE_OPEN, phase("2025-11-24T00:00:00"));
    assertEquals(TradingPhase.PRE_OPEN, phase("2025-11-24T09:14:59.999"));
    assertEquals(TradingPhase.CALL_AUCTION, phase("2025-11-24T09:15:00"));
    assertEquals(TradingPhase.CALL_AUCTION, phase("2025-11-24T09:24:59.999"));
    assertEquals(TradingPhase.PRE_OPEN, phase("2025-11-24T09:25:00"));
    assertEquals(TradingPhase.PRE_OPEN, phase("2025-11-24T09:29:59.999"));
    assertEquals(TradingPhase.CONTINUOUS, phase("2025-11-24T09:30:00"));
    assertEquals(TradingPhase.CONTINUOUS, phase("2025-11-24T11:29:59.999"));
    assertEquals(TradingPhase.LUNCH_BREAK, phase("2025-11-24T11:30:00"));
    assertEquals(TradingPhase.LUNCH_BREAK, phase("2025-11-24T12:59:59"));
    assertEquals(TradingPhase.CONTINUOUS, phase("2025-11-24T13:00:00"));
    assertEquals(TradingPhase.CONTINUOUS, phase("2025-11-24T14:56:59.999"));
    assertEquals(TradingPhase.CLOSING_AUCTION, phase("2025-11-24T14:57:00"));
    assertEquals(TradingPhase.CLOSING_AUCTION, phase("2025-11-24T14:59:59.999"));
    assertEquals(TradingPhase.CLOSED, phase("2025-11-24T15:00:00"));
    assertEquals(TradingPhase.CLOSED, phase("2025-11-24T23:59:59.999"));
    assertEquals(TradingPhase.CONTINUOUS, phase("2025-11-28T10:00:00")); // Friday
  }

  @Test
  void weekendsAreClosed() {
    assertEquals(TradingPhase.CLOSED, phase("2025-11-22T10:00:00")); // Saturday
    assertEquals(TradingPhase.CLOSED, phase("2025-11-23T09:20:00")); // Sunday
    assertEquals(TradingPhase.CLOSED, phase("2025-11-23T14:00:00"));
    assertFalse(SessionClock.isTradingDay(LocalDate.of(2025, 11, 22)));
    assertTrue(SessionClock.isTradingDay(LocalDate.of(2025, 11, 24)));
    assertEquals(LocalDate.of(2025, 11, 21), SessionClock.previousTradingDay(LocalDate.of(2025, 11, 24)));
    assertEquals(LocalDate.of(2025, 11, 21), SessionClock.previousTradingDay(LocalDate.of(2025, 11, 23)));
    assertEquals(LocalDate.of(2025, 11, 24), SessionClock.previousTradingDay(LocalDate.of(2025, 11, 25)));
  }

  @Test
  void continuousModeAlwaysTrades() {
    SessionClock clock = new SessionClock(SimulatorMode.CONTINUOUS);
    assertEquals(TradingPhase.CONTINUOUS, clock.phase(at("2025-11-22T03:00:00")));
    assertEquals(TradingPhase.CONTINUOUS, clock.phase(at("2025-11-24T12:00:00")));
    SessionClock realistic = new SessionClock(SimulatorMode.REALISTIC);
    assertEquals(TradingPhase.LUNCH_BREAK, realistic.phase(at("2025-11-24T12:00:00")));
  }

  @Test
  void shanghaiTimeHelpers() {
    long t = at("2025-11-24T13:05:30");
    assertEquals(13 * 60 + 5, SessionClock.minuteOfDay(t));
    assertEquals(at("2025-11-24T09:30:00"), SessionClock.at(LocalDate.of(2025, 11, 24), 570));
    assertEquals(LocalDate.of(2025, 11, 24).toEpochDay(), SessionClock.epochDay(t));
    assertEquals(LocalDate.of(2025, 11, 24).toEpochDay(), SessionClock.epochDay(at("2025-11-24T00:00:00")));
    assertEquals(LocalDate.of(2025, 11, 23).toEpochDay(), SessionClock.epochDay(at("2025-11-23T23:59:59.999")));
  }
}
