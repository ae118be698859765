package io.quotecast.gateway;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.ErrorCode;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.Publication;
import io.quotecast.common.PublicationCodec;
import io.quotecast.common.cluster.QuoteRoute;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests to the quote node that produces a symbol ({@link QuoteRoute}): snapshots and history come from the owner's
 * memory, so REST, the {@code snapshot} op and a new subscription's first message agree with the stream to the seq.
 */
final class QuoteOwner implements SnapshotSource {
  /** What a client is told to wait when no owner answers: a takeover usually completes within a few seconds. */
  static final long RETRY_AFTER_MS = 2000;

  private final Vertx vertx;
  private final int buckets;
  private final long timeoutMs;

  QuoteOwner(Vertx vertx, int buckets, long timeoutMs) {
    this.vertx = vertx;
    this.buckets = buckets;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public Future<Publication> snapshot(ChannelKey key) {
    return vertx.eventBus().request(QuoteRoute.address(key.symbol(), buckets), key.toString(),
            QuoteRoute.options(QuoteRoute.SNAPSHOT, timeoutMs))
        .map(reply -> publication(reply.body()))
        .recover(failure -> {
          if (failure instanceof ReplyException re && re.failureCode() == QuoteRoute.NO_DATA
              && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
            return Future.succeededFuture(null);
          }
          return Future.failedFuture(unavailable("snapshot", key.symbol(), failure));
        });
  }

  @Override
  public Future<List<Publication>> missed(ChannelKey key, long afterSeq, String epoch) {
    JsonObject request = new JsonObject().put("channel", key.toString()).put("seq", afterSeq).put("epoch", epoch);
    return vertx.eventBus().<JsonObject>request(QuoteRoute.address(key.symbol(), buckets), request,
            QuoteRoute.options(QuoteRoute.REPLAY, timeoutMs))
        .map(reply -> {
          JsonObject body = reply.body();
          if (!body.getBoolean("recovered", false) || !epoch.equals(body.getString("epoch"))) {
            return null;
          }
          List<Publication> out = new ArrayList<>();
          for (Object o : body.getJsonArray("publications", new JsonArray())) {
            JsonObject j = (JsonObject) o;
            out.add(new Publication(key.toString(), j.getLong("seq"), epoch, j.getLong("sourceTime"),
                j.getString("data")));
          }
          return out;
        });
  }

  /**
   * The history answer (a JSON array as text) for {@code request} ({@code {kind, symbol, ...}}, see the quote
   * verticle's {@code QuoteRequests.history}). Fails with the owner's {@link ReplyException} for 400/404, and with
   * UNAVAILABLE when no owner answers.
   */
  Future<String> history(JsonObject request) {
    String symbol = request.getString("symbol");
    return vertx.eventBus().<Object>request(QuoteRoute.address(symbol, buckets), request,
            QuoteRoute.options(QuoteRoute.HISTORY, timeoutMs))
        .map(reply -> String.valueOf(reply.body()))
        .recover(failure -> {
          if (failure instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
              && (re.failureCode() == 400 || re.failureCode() == 404)) {
            return Future.failedFuture(failure);
          }
          return Future.failedFuture(unavailable("history", symbol, failure));
        });
  }

  private static Publication publication(Object body) {
    if (body instanceof Publication p) {
      return p;
    }
    if (body instanceof Buffer buffer) {
      return PublicationCodec.fromBuffer(buffer);
    }
    return null;
  }

  /** No handler (a takeover in progress), a timeout, or a failing owner: the client should retry shortly. */
  static ProtocolException unavailable(String what, String symbol, Throwable failure) {
    String why = failure instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS
        ? "no quote node owns " + symbol + " at the moment (takeover in progress?)"
        : failure instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT
            ? "the quote node owning " + symbol + " did not answer in time"
            : "the quote node owning " + symbol + " failed: " + failure.getMessage();
    return new ProtocolException(ErrorCode.UNAVAILABLE, what + " unavailable: " + why,
        new JsonObject().put("retryAfterMs", RETRY_AFTER_MS));
  }
}
