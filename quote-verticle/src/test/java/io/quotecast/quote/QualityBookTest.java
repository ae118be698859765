package io.quotecast.quote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The per-symbol quality rules: what is stale, what is a gap, what is out of order, which flags a row carries. */
class QualityBookTest {
  static final long T0 = 1_000_000L;
  static final long STALE_MS = 1_000;

  final QualityBook book = new QualityBook(3, STALE_MS, 10, T0, true);

  @Test
  void aSymbolIsStaleAfterStaleMsWithoutUpdatesWhileTrading() {
    book.updated(0, T0 + 100, false);
    assertFalse(book.stale(0, T0 + 100 + STALE_MS), "exactly staleMs is not yet stale");
    assertTrue(book.stale(0, T0 + 101 + STALE_MS));
    book.updated(0, T0 + 2_000, true);
    assertFalse(book.stale(0, T0 + 2_500), "an update ends it");
    assertTrue(book.stale(1, T0 + STALE_MS + 1), "never updated: stale counted from when the node began producing it");
  }

  @Test
  void aQuietSymbolIsMeasuredAgainstItsOwnRhythm() {
    // a busy symbol: every 10 ms; a quiet one: every 5 s
    for (int k = 0; k <= 100; k++) {
      book.updated(0, T0 + k * 10L, false);
    }
    for (int k = 0; k <= 10; k++) {
      book.updated(1, T0 + k * 5_000L, false);
    }
    long busyLast = T0 + 1_000;
    long quietLast = T0 + 50_000;
    assertEquals(STALE_MS, book.staleAfterMs(0), "10 x 10 ms is below the floor: the floor applies");
    assertEquals(50_000, book.staleAfterMs(1), "10 x its 5 s interval");
    assertTrue(book.stale(0, busyLast + STALE_MS + 1));
    assertFalse(book.stale(1, quietLast + 30_000), "30 s is normal for a symbol that updates every 5 s");
    assertTrue(book.stale(1, quietLast + 50_001));
  }

  @Test
  void nothingIsStaleOutsideTradingAndAgesRestartWhenTradingResumes() {
    book.updated(0, T0, false);
    book.phase(false, T0 + 100); // lunch
    assertFalse(book.stale(0, T0 + 90 * 60_000L), "nobody updates at lunch");
    long afternoon = T0 + 90 * 60_000L;
    book.phase(true, afternoon);
    assertFalse(book.stale(0, afternoon + STALE_MS), "the lunch break does not count");
    assertTrue(book.stale(0, afternoon + STALE_MS + 1));
    book.updated(0, afternoon + 500, false);
    assertEquals(STALE_MS, book.staleAfterMs(0), "the 90-minute lunch gap is not taken for the symbol's rhythm");
  }

  @Test
  void aJumpInTheSourceSeqIsAGapAndAFallRestartsTheCount() {
    book.sourceSeq(0, 0); // a message without seq: nothing to check
    book.sourceSeq(0, 7); // the first number only sets the baseline
    book.sourceSeq(0, 8);
    assertEquals(0, book.gaps(0));
    book.sourceSeq(0, 12); // 9, 10, 11 missing
    assertEquals(1, book.gaps(0));
    assertEquals(3, book.missing(0));
    book.sourceSeq(0, 1); // the source renumbered (restart): a new baseline, not a gap
    book.sourceSeq(0, 2);
    assertEquals(1, book.gaps(0));
    book.sourceSeq(0, 4);
    assertEquals(2, book.gaps(0));
    assertEquals(4, book.missing(0));
    assertEquals(0, book.gaps(1), "per symbol");
  }

  @Test
  void aTimeEarlierThanThePreviousIsOutOfOrder() {
    book.sourceTime(0, T0 + 100);
    book.sourceTime(0, T0 + 100); // the same time is fine
    book.sourceTime(0, T0 + 50);
    assertEquals(1, book.outOfOrder(0));
    book.sourceTime(0, T0 + 80); // still before the latest (100): also out of order
    assertEquals(2, book.outOfOrder(0));
    book.sourceTime(0, T0 + 101);
    assertEquals(2, book.outOfOrder(0));
  }

  @Test
  void aRowListsTheFiguresAndItsFlagsInOrder() {
    book.updated(2, T0 + 10, true);
    book.updated(2, T0 + 20, false);
    book.sourceSeq(2, 1);
    book.sourceSeq(2, 3);
    book.sourceTime(2, T0 + 20);
    book.sourceTime(2, T0 + 10);
    book.reject(2, QualityBook.Invalid.CROSSED_BOOK);
    book.reject(2, QualityBook.Invalid.LIMIT_BREACH);
    book.reject(2, QualityBook.Invalid.LIMIT_BREACH);
    book.reject(2, QualityBook.Invalid.OUT_OF_RANGE);
    long now = T0 + 20 + STALE_MS + 5;
    JsonObject row = book.row(2, now);
    assertEquals(2, row.getLong("updates"));
    assertEquals(STALE_MS + 5, row.getLong("lastUpdateAgeMs"));
    assertEquals(STALE_MS + 15, row.getLong("lastTradeAgeMs"));
    assertTrue(row.getBoolean("stale"));
    assertEquals(1, row.getLong("gaps"));
    assertEquals(1, row.getLong("missing"));
    assertEquals(1, row.getLong("outOfOrder"));
    assertEquals(new JsonObject().put("total", 4L).put("malformed", 0L).put("outOfRange", 1L)
        .put("crossedBook", 1L).put("limitBreach", 2L), row.getJsonObject("invalid"));
    assertEquals(1, row.getLong("crossedBooks"));
    assertEquals(2, row.getLong("limitBreaches"));
    assertEquals(new JsonArray().add("stale").add("gap").add("outOfOrder").add("invalid").add("crossedBook")
        .add("limitBreach"), row.getJsonArray("flags"));
    assertEquals(T0, row.getLong("since"));

    JsonObject quiet = book.row(1, T0 + 10);
    assertNull(quiet.getLong("lastUpdateAgeMs"), "never updated");
    assertNull(quiet.getLong("lastTradeAgeMs"));
    assertEquals(new JsonArray(), quiet.getJsonArray("flags"));
  }

  @Test
  void countersStartAgainEachDayAndForANewOwner() {
    book.sourceSeq(0, 1);
    book.sourceSeq(0, 5);
    book.reject(0, QualityBook.Invalid.MALFORMED);
    book.updated(0, T0 + 10, true);
    book.newDay(T0 + 86_400_000L);
    assertEquals(0, book.gaps(0));
    assertEquals(0, book.invalidTotal(0));
    assertEquals(0, book.updates(0));
    assertEquals(T0 + 86_400_000L, book.row(0, T0 + 86_400_000L).getLong("since"));
    book.sourceSeq(0, 6);
    assertEquals(0, book.gaps(0), "seq tracking carries over the day change");

    book.sourceSeq(1, 1);
    book.sourceSeq(1, 9);
    book.updated(1, T0 + 20, false);
    book.watch(1, T0 + 30);
    assertEquals(0, book.gaps(1));
    assertEquals(0, book.updates(1));
    book.sourceSeq(1, 20);
    assertEquals(0, book.gaps(1), "a new owner's first number is a baseline");
    assertFalse(book.stale(1, T0 + 30 + STALE_MS), "age counted from the takeover");
  }
}
