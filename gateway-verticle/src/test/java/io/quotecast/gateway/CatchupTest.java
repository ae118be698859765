package io.quotecast.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.Publication;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatchupTest {
  private static final long NOW = 1_000_000;
  private static final Catchup.Limits LIMITS = new Catchup.Limits(100, 60_000);

  private static List<Publication> pubs(long from, long to, long sourceTime) {
    List<Publication> out = new ArrayList<>();
    for (long s = from; s <= to; s++) {
      out.add(new Publication("trade:600519.SH", s, "e1", sourceTime, "{}"));
    }
    return out;
  }

  private static List<Long> seqs(List<Publication> ps) {
    return ps.stream().map(Publication::seq).toList();
  }

  @Test
  void gathersUntilTheMovingTargetAndSendsExactlyUpToIt() {
    Catchup c = new Catchup(10, "e1");
    assertEquals(Catchup.Status.NEED_MORE, c.status(13, "e1", LIMITS, NOW));
    c.add(pubs(11, 13, NOW));
    // The feed moved on while the owner answered: ask again from 13.
    assertEquals(Catchup.Status.NEED_MORE, c.status(15, "e1", LIMITS, NOW));
    assertEquals(13, c.gatheredTo());
    c.add(pubs(12, 17, NOW)); // overlaps and goes beyond the target
    assertEquals(Catchup.Status.READY, c.status(15, "e1", LIMITS, NOW));
    assertEquals(List.of(11L, 12L, 13L, 14L, 15L), seqs(c.toSend(15)));
  }

  @Test
  void nothingMissedIsReadyWithNothingToSend() {
    Catchup c = new Catchup(20, "e1");
    assertEquals(Catchup.Status.READY, c.status(20, "e1", LIMITS, NOW));
    assertTrue(c.toSend(20).isEmpty());
  }

  @Test
  void aClientAheadOfTheFeedWaits() {
    Catchup c = new Catchup(25, "e1");
    assertEquals(Catchup.Status.NEED_MORE, c.status(22, "e1", LIMITS, NOW));
    assertTrue(c.ahead(22));
  }

  @Test
  void anotherEpochIsLost() {
    Catchup c = new Catchup(10, "e0");
    assertEquals(Catchup.Status.LOST, c.status(12, "e1", LIMITS, NOW));
    assertNotNull(c.reason());
  }

  @Test
  void tooManyMissedIsLostWithoutAsking() {
    Catchup c = new Catchup(10, "e1");
    assertEquals(Catchup.Status.LOST, c.status(111, "e1", LIMITS, NOW));
    assertEquals(Catchup.Status.READY, new Catchup(10, "e1").status(10, "e1", LIMITS, NOW));
  }

  @Test
  void tooOldIsLost() {
    Catchup c = new Catchup(10, "e1");
    c.add(pubs(11, 12, NOW - 60_001));
    assertEquals(Catchup.Status.LOST, c.status(12, "e1", LIMITS, NOW));
    Catchup fresh = new Catchup(10, "e1");
    fresh.add(pubs(11, 12, NOW - 59_000));
    assertEquals(Catchup.Status.READY, fresh.status(12, "e1", LIMITS, NOW));
  }

  @Test
  void historyThatNoLongerHoldsTheGapOrHasAHoleIsLost() {
    Catchup gone = new Catchup(10, "e1");
    gone.add(null);
    assertEquals(Catchup.Status.LOST, gone.status(12, "e1", LIMITS, NOW));
    Catchup hole = new Catchup(10, "e1");
    hole.add(pubs(12, 13, NOW));
    assertEquals(Catchup.Status.LOST, hole.status(13, "e1", LIMITS, NOW));
  }

  @Test
  void noStateIsLost() {
    assertEquals(Catchup.Status.LOST, new Catchup(10, "e1").status(0, null, LIMITS, NOW));
  }
}
