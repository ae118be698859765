package io.quotecast.gateway;

import io.quotecast.common.Addresses;
import io.quotecast.common.ErrorCode;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.auth.Principal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * {@code tiers.<tier>.connectionsPerUser} before the upgrade: the handshake's user (from its token) is checked with the
 * subscription role, registering nothing, so a user already at the limit gets HTTP 429 with {@code Retry-After} instead
 * of an upgrade followed by an error and a close. The check after the upgrade stays authoritative (two handshakes of
 * one user may pass this together; the second is then closed with 4029).
 */
final class UserAdmission {
  /** A user at the limit can only get in once one of their connections closes: not worth retrying sooner. */
  static final long RETRY_MS = 5000;
  /** The check never holds a handshake longer than this; without an answer the connection goes ahead. */
  private static final long ASK_TIMEOUT_MS = 1000;

  private final Vertx vertx;

  UserAdmission(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The refusal for {@code user}, or null when they may connect (or nobody could say). Never fails. */
  Future<ProtocolException> refusal(Principal user) {
    if (user == null || user.anonymous()) {
      return Future.succeededFuture(); // anonymous connections are not pooled per user
    }
    JsonObject ask = new JsonObject().put("connectionId", "handshake").put("user", user.toJson()).put("dryRun", true);
    return vertx.eventBus().<JsonObject>request(Addresses.SUBSCRIPTION_CONNECT, ask,
            new DeliveryOptions().setSendTimeout(ASK_TIMEOUT_MS))
        .map(reply -> {
          JsonObject error = reply.body().getJsonObject("error");
          if (error == null) {
            return (ProtocolException) null;
          }
          ProtocolException refused = ProtocolException.fromJson(error);
          if (refused.code() != ErrorCode.LIMIT_EXCEEDED) {
            return null;
          }
          return new ProtocolException(ErrorCode.LIMIT_EXCEEDED, refused.getMessage(),
              refused.extra().copy().put("retryAfterMs", RETRY_MS));
        })
        .otherwise((ProtocolException) null);
  }
}
