package io.quotecast.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SequencerTest {
  private final List<Long> delivered = new ArrayList<>();
  private final List<ChannelListener.Reset> resets = new ArrayList<>();
  private final Sequencer.Sink sink = new Sequencer.Sink() {
    @Override
    public void deliver(Update u) {
      delivered.add(u.seq());
    }

    @Override
    public void reset(ChannelListener.Reset reason) {
      resets.add(reason);
    }
  };

  private static Update u(long seq, String epoch) {
    return new Update("trade:600519.SH", seq, epoch, epoch != null, false, new JsonObject(), 0);
  }

  @Test
  void duplicatesAndOldSeqsAreDropped() {
    Sequencer s = new Sequencer(true, 100);
    s.offer(u(5, "e1"), sink);
    s.offer(u(6, null), sink);
    s.offer(u(5, null), sink);
    s.offer(u(6, null), sink);
    s.offer(u(7, null), sink);
    assertEquals(List.of(5L, 6L, 7L), delivered);
    assertEquals(new JsonObject().put("seq", 7L).put("epoch", "e1"), s.since());
  }

  @Test
  void gapInTradesParksAndAsksForResumeOnceThenDeliversInOrder() {
    Sequencer s = new Sequencer(true, 100);
    s.offer(u(1, "e1"), sink);
    assertTrue(s.offer(u(3, null), sink), "first jump asks for resume");
    assertFalse(s.offer(u(4, null), sink), "one resume per gap");
    assertEquals(List.of(1L), delivered);
    assertEquals(1L, s.since().getLong("seq"));
    s.offer(u(2, null), sink); // the replay
    s.recovered(sink);
    assertEquals(List.of(1L, 2L, 3L, 4L), delivered);
    assertTrue(resets.isEmpty());
  }

  @Test
  void notRecoveredResetsAndContinuesFromTheSnapshot() {
    Sequencer s = new Sequencer(true, 100);
    s.offer(u(1, "e1"), sink);
    s.notRecovered(sink);
    s.offer(u(9, "e1"), sink); // fresh snapshot, same epoch
    s.offer(u(10, null), sink);
    assertEquals(List.of(1L, 9L, 10L), delivered);
    assertEquals(List.of(ChannelListener.Reset.NOT_RECOVERED), resets);
  }

  @Test
  void newEpochRestartsSeq() {
    Sequencer s = new Sequencer(true, 100);
    s.offer(u(40, "e1"), sink);
    s.offer(u(1, "e2"), sink);
    s.offer(u(2, null), sink);
    assertEquals(List.of(40L, 1L, 2L), delivered);
    assertEquals(List.of(ChannelListener.Reset.NEW_EPOCH), resets);
    assertEquals("e2", s.since().getString("epoch"));
  }

  @Test
  void stateChannelsAcceptConflatedJumps() {
    Sequencer s = new Sequencer(false, 100);
    s.offer(u(1, "e1"), sink);
    assertFalse(s.offer(u(5, null), sink));
    s.offer(u(4, null), sink);
    assertEquals(List.of(1L, 5L), delivered);
  }

  @Test
  void boundedParkingGivesTheGapUpVisibly() {
    Sequencer s = new Sequencer(true, 2);
    s.offer(u(1, "e1"), sink);
    s.offer(u(3, null), sink);
    s.offer(u(4, null), sink);
    s.offer(u(5, null), sink);
    assertEquals(List.of(1L, 3L, 4L, 5L), delivered);
    assertEquals(List.of(ChannelListener.Reset.GAP), resets);
    assertEquals(0, s.pending());
  }

  @Test
  void aSubscribeReplyOnAnotherEpochRestartsTheStreamWithOneReset() {
    Sequencer s = new Sequencer(true, 100);
    s.offer(u(40, "e1"), sink);
    s.subscribed(7, "e2", sink);
    s.notRecovered(sink);
    s.replyHandled();
    s.offer(u(7, "e2"), sink); // the snapshot after the reply
    s.offer(u(8, null), sink);
    assertEquals(List.of(40L, 7L, 8L), delivered);
    assertEquals(List.of(ChannelListener.Reset.NEW_EPOCH), resets);
    assertEquals(new JsonObject().put("seq", 8L).put("epoch", "e2"), s.since());
  }

  @Test
  void aSubscribeReplyOnTheSameEpochChangesNothing() {
    Sequencer s = new Sequencer(true, 100);
    s.offer(u(40, "e1"), sink);
    s.subscribed(45, "e1", sink);
    s.offer(u(41, null), sink); // replayed before the reply in reality; order does not matter here
    s.recovered(sink);
    s.replyHandled();
    assertEquals(List.of(40L, 41L), delivered);
    assertTrue(resets.isEmpty());
  }

  @Test
  void aStreamWithoutANamedEpochIsDeliveredAndAdoptsTheFirstEpochItHears() {
    Sequencer s = new Sequencer(true, 100);
    s.subscribed(0, null, sink); // first subscription to a channel without trades yet
    s.offer(u(1, null), sink);
    s.offer(u(2, null), sink);
    assertTrue(s.epochUnknown());
    assertEquals(null, s.since(), "no since without an epoch");
    s.learnEpoch("e1");
    assertFalse(s.epochUnknown());
    assertEquals(new JsonObject().put("seq", 2L).put("epoch", "e1"), s.since());
    s.offer(u(3, null), sink);
    assertEquals(List.of(1L, 2L, 3L), delivered);
    assertTrue(resets.isEmpty());
  }

  @Test
  void anUnnamedStreamThatGoesBackwardsIsANewEpoch() {
    Sequencer s = new Sequencer(true, 100);
    s.offer(u(1, null), sink);
    s.offer(u(2, null), sink);
    s.offer(u(3, null), sink);
    s.offer(u(1, "e9"), sink); // a failover snapshot: seq restarted
    assertEquals(List.of(1L, 2L, 3L, 1L), delivered);
    assertEquals(List.of(ChannelListener.Reset.NEW_EPOCH), resets);
  }

  @Test
  void aServerWithNothingForAKnownStreamRestartsItAtSeqOne() {
    Sequencer s = new Sequencer(true, 100);
    s.offer(u(40, "e1"), sink);
    s.subscribed(0, null, sink);
    s.notRecovered(sink);
    s.replyHandled();
    s.offer(u(1, null), sink);
    s.offer(u(2, null), sink);
    assertEquals(List.of(40L, 1L, 2L), delivered);
    assertEquals(List.of(ChannelListener.Reset.NEW_EPOCH), resets);
  }
}
