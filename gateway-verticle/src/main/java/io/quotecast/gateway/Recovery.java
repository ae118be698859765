package io.quotecast.gateway;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.ConfigKeys;
import io.quotecast.common.Envelope;
import io.quotecast.common.Publication;
import io.quotecast.common.Settings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathers, for the channels of one {@code subscribe}/{@code resume} with {@code since}, what the client missed from
 * the owners' histories (through the bus, so it works on any node), then runs the caller's {@code finish} in the
 * event-loop turn in which every channel is either caught up to its target or known lost. Because the target (the
 * feed's latest, or what the subscription was sent) is read in that same turn, publications that arrived while the
 * owners were being asked are neither lost nor doubled: the replay stops exactly where the live feed takes over.
 */
final class Recovery {
  /** Asks per channel before giving up (each catches up the publications that arrived during the previous one). */
  static final int MAX_ROUNDS = 8;
  /** Pause before re-checking a channel whose client is ahead of this gateway's feed. */
  static final long AHEAD_WAIT_MS = 25;
  static final String RECOVERED_META = "{\"recovered\":true}";

  /** One channel to recover: its feed, the subscription already on this connection (resume) if any, its since. */
  static final class Item {
    final ChannelKey key;
    final ChannelFeed feed;
    final Subscription existing;
    final Catchup catchup;

    Item(ChannelKey key, ChannelFeed feed, Subscription existing, Catchup catchup) {
      this.key = key;
      this.feed = feed;
      this.existing = existing;
      this.catchup = catchup;
    }

    /** Where the client must continue from: what its subscription was sent, or the feed's latest for a new one. */
    long targetSeq() {
      if (existing != null) {
        return existing.lastSeq;
      }
      return feed.latest == null ? 0 : feed.latest.seq();
    }

    String targetEpoch() {
      if (existing != null) {
        return existing.epoch;
      }
      return feed.latest == null ? null : feed.latest.epoch();
    }

    /** Call in the turn {@code finish} runs: the publications to send with meta.recovered, or null when lost. */
    List<Publication> replay(Catchup.Limits limits, long now) {
      if (catchup.status(targetSeq(), targetEpoch(), limits, now) != Catchup.Status.READY) {
        return null;
      }
      return catchup.toSend(targetSeq());
    }
  }

  private final Vertx vertx;
  private final SnapshotSource owner;
  final Catchup.Limits limits;

  Recovery(Vertx vertx, SnapshotSource owner, Catchup.Limits limits) {
    this.vertx = vertx;
    this.owner = owner;
    this.limits = limits;
  }

  static Catchup.Limits limits(Settings settings) {
    return new Catchup.Limits(settings.getLong(ConfigKeys.RECOVERY_MAX_MESSAGES),
        settings.getLong(ConfigKeys.RECOVERY_MAX_AGE_MS));
  }

  /** A recovered message: the publication as it was, marked so the client knows it is a replay. */
  static OutboundMessage message(Publication p, long now) {
    return new OutboundMessage(Envelope.channelMessage(p, now, RECOVERED_META));
  }

  /**
   * Asks the owners until every item is READY or LOST, then runs {@code finish} in that same turn. The future
   * completes once {@code finish} ran, and fails only if it threw.
   */
  Future<Void> settle(List<Item> items, Runnable finish) {
    Promise<Void> done = Promise.promise();
    round(items, 0, finish, done);
    return done.future();
  }

  private void round(List<Item> items, int round, Runnable finish, Promise<Void> done) {
    long now = System.currentTimeMillis();
    List<Future<Void>> asks = new ArrayList<>();
    boolean waitForFeed = false;
    for (Item item : items) {
      Catchup c = item.catchup;
      long target = item.targetSeq();
      if (c.status(target, item.targetEpoch(), limits, now) != Catchup.Status.NEED_MORE) {
        continue;
      }
      if (round >= MAX_ROUNDS) {
        c.fail(c.ahead(target) ? "this node has not yet received seq " + c.sinceSeq
            : "the channel moves faster than its history can be fetched");
      } else if (c.ahead(target)) {
        waitForFeed = true;
      } else {
        // An owner that cannot be asked makes the channel lost, never the request failed.
        asks.add(owner.missed(item.key, c.gatheredTo(), c.sinceEpoch).transform(ar -> {
          if (ar.succeeded()) {
            c.add(ar.result());
          } else {
            c.fail("the owner of " + item.key.symbol() + " could not be asked: " + ar.cause().getMessage());
          }
          return Future.<Void>succeededFuture();
        }));
      }
    }
    if (asks.isEmpty() && !waitForFeed) {
      try {
        finish.run();
        done.complete();
      } catch (RuntimeException e) {
        done.fail(e);
      }
      return;
    }
    if (asks.isEmpty()) {
      vertx.setTimer(AHEAD_WAIT_MS, id -> round(items, round + 1, finish, done));
    } else {
      Future.join(asks).onComplete(ar -> round(items, round + 1, finish, done));
    }
  }
}
