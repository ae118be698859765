package io.quotecast.gateway;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.ErrorCode;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.Publication;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
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

  /** Releases a held request with what {@link #state} holds now. */
  void answer() {
    held.complete();
  }

  void fail() {
    held.fail(new ProtocolException(ErrorCode.UNAVAILABLE, "timeout", new JsonObject()));
  }
}
