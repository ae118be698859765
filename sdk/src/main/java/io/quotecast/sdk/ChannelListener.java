package io.quotecast.sdk;

import io.vertx.core.json.JsonObject;

/** Receives one channel's updates. Called on the client's event loop: return quickly, hand heavy work elsewhere. */
@FunctionalInterface
public interface ChannelListener {

  /** Why the stream of a channel did not continue seamlessly. */
  enum Reset {
    /** The stream restarted (failover): seq starts again; the next update is the new epoch's snapshot. */
    NEW_EPOCH,
    /** The server no longer held the missed publications; a fresh snapshot follows, updates in between are lost. */
    NOT_RECOVERED,
    /** A seq jump could not be filled (resume recovered less than was missing, or too much was buffered). */
    GAP
  }

  void onUpdate(Update update);

  /** Called before the first update after the discontinuity. */
  default void onReset(String channel, Reset reason) {}

  /** No data for the channel for {@code silentMs} (ClientOptions.staleAfterMs) while connected; once per silence. */
  default void onStale(String channel, long silentMs) {}

  /** The server refused the channel ({@code rejected} entry or error reply: code, message, suggestions). */
  default void onRejected(String channel, JsonObject error) {}
}
