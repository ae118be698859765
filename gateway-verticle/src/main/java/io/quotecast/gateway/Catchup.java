package io.quotecast.gateway;

import io.quotecast.common.Publication;
import java.util.ArrayList;
import java.util.List;

/**
 * What one client missed on one channel (PROTOCOL.md §6 {@code since}), gathered from the owner's history until it
 * reaches the point the client must continue from: the gateway feed's latest publication for a new subscription, or
 * what the connection was already sent for a {@code resume}. That point keeps moving while the owner is being asked,
 * so the caller re-checks {@link #status} and, when {@link Status#NEED_MORE}, asks again from {@link #gatheredTo()};
 * once {@link Status#READY}, {@link #toSend} in the same event-loop turn gives exactly the publications between the
 * client's seq and that point — the live feed brings the rest, so there is neither a gap nor a duplicate.
 * Pure logic: no Vert.x.
 */
final class Catchup {
  enum Status {
    /** Everything up to the target is gathered (possibly nothing was missed). */
    READY,
    /** The target is beyond what is gathered: ask the owner again, or wait for the feed when the client is ahead. */
    NEED_MORE,
    /** Cannot be replayed ({@link #reason()}): the client gets a fresh snapshot instead. */
    LOST
  }

  /** The bounds of {@code recovery.*}: a gap beyond either is not replayed. */
  record Limits(long maxMessages, long maxAgeMs) {
  }

  final long sinceSeq;
  final String sinceEpoch;
  private final List<Publication> gathered = new ArrayList<>();
  private long gatheredTo;
  private String reason;

  Catchup(long sinceSeq, String sinceEpoch) {
    this.sinceSeq = sinceSeq;
    this.sinceEpoch = sinceEpoch;
    this.gatheredTo = sinceSeq;
  }

  /** Seq of the last gathered publication (the client's seq while none): the next ask starts after it. */
  long gatheredTo() {
    return gatheredTo;
  }

  /** Why the channel cannot be replayed; null while it can. */
  String reason() {
    return reason;
  }

  void fail(String why) {
    if (reason == null) {
      reason = why;
    }
  }

  /**
   * Where the catch-up stands against the target ({@code targetSeq} in {@code targetEpoch}, null when there is no
   * state yet). {@code now} is for the age bound.
   */
  Status status(long targetSeq, String targetEpoch, Limits limits, long now) {
    if (reason != null) {
      return Status.LOST;
    }
    if (targetEpoch == null) {
      fail("no state to continue from");
    } else if (!targetEpoch.equals(sinceEpoch)) {
      fail("the stream restarted (epoch " + targetEpoch + ")");
    } else if (targetSeq - sinceSeq > limits.maxMessages()) {
      fail("more than " + limits.maxMessages() + " publications missed");
    } else if (!gathered.isEmpty() && gathered.get(0).sourceTime() < now - limits.maxAgeMs()) {
      fail("missed publications older than " + limits.maxAgeMs() + " ms");
    }
    if (reason != null) {
      return Status.LOST;
    }
    return gatheredTo >= targetSeq && sinceSeq <= targetSeq ? Status.READY : Status.NEED_MORE;
  }

  /**
   * Whether the client is ahead of the target (it saw, through another node, publications this gateway has not
   * received yet): asking the owner does not help, the feed has to catch up first.
   */
  boolean ahead(long targetSeq) {
    return sinceSeq > targetSeq;
  }

  /**
   * Adds the owner's answer to an ask from {@link #gatheredTo()}: the publications after it, oldest first, or null
   * when the owner's history no longer holds them all (or the epoch changed there).
   */
  void add(List<Publication> missed) {
    if (missed == null) {
      fail("the history no longer holds every missed publication");
      return;
    }
    for (Publication p : missed) {
      if (!sinceEpoch.equals(p.epoch()) || p.seq() <= gatheredTo) {
        continue; // an overlap of two answers
      }
      if (p.seq() != gatheredTo + 1) {
        fail("the history has a hole after seq " + gatheredTo);
        return;
      }
      gathered.add(p);
      gatheredTo = p.seq();
    }
  }

  /** The gathered publications up to {@code targetSeq}, oldest first: what the client is sent with meta.recovered. */
  List<Publication> toSend(long targetSeq) {
    List<Publication> out = new ArrayList<>();
    for (Publication p : gathered) {
      if (p.seq() > targetSeq) {
        break;
      }
      out.add(p);
    }
    return out;
  }
}
