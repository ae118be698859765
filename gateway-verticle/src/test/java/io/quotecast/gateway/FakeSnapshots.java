package io.quotecast.gateway;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.ErrorCode;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.Publication;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The owners' state for tests without an event bus: answers at once, or holds answers back until released. */
final class FakeSnapshots implements SnapshotSource {
  final Map<String, Publication> state = new HashMap<>();
  /** When set, answers wait for {@link #answer()} (or {@link #fail()}). */
  boolean hold;
  boolean unavailable;
  int asked;
  private Promise<Publication> held;

  @Override
  public Future<Publication> snapshot(ChannelKey key) {
    asked++;
    if (unavailable) {
      return Future.failedFuture(new ProtocolException(ErrorCode.UNAVAILABLE, "no owner",
          new JsonObject().put("retryAfterMs", 1000)));
    }
    if (hold) {
      held = Promise.promise();
      return held.future().map(v -> state.get(key.toString()));
    }
    return Future.succeededFuture(state.get(key.toString()));
  }

  /** The owner's history by channel, for {@link #missed}; a channel without one answers "not recovered". */
  final Map<String, List<Publication>> history = new HashMap<>();
  /** When set, {@link #missed} answers wait for {@link #answerMissed()}. */
  boolean holdMissed;
  int missedAsked;
  private Promise<Void> heldMissed;

  @Override
  public Future<List<Publication>> missed(ChannelKey key, long afterSeq, String epoch) {
    missedAsked++;
    Future<Void> when = Future.succeededFuture();
    if (holdMissed) {
      heldMissed = Promise.promise();
      when = heldMissed.future();
    }
    return when.map(v -> {
      List<Publication> all = history.get(key.toString());
      return all == null ? null
          : all.stream().filter(p -> p.epoch().equals(epoch) && p.seq() > afterSeq).toList();
    });
  }

  void answerMissed() {
    heldMissed.complete();
  }

  /** Releases a held request with what {@link #state} holds now. */
  void answer() {
    held.complete();
  }

  void fail() {
    held.fail(new ProtocolException(ErrorCode.UNAVAILABLE, "timeout", new JsonObject()));
  }
}
