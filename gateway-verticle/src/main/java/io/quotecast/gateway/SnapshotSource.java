package io.quotecast.gateway;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.Publication;
import io.vertx.core.Future;
import java.util.List;

/**
 * Where a channel's current state comes from: the quote node that owns the channel's symbol ({@link QuoteOwner}).
 * A seam so that feeds can be tested without an event bus.
 */
interface SnapshotSource {
  /**
   * The latest publication of {@code key}; null when the channel has published nothing yet. Fails with a
   * {@link io.quotecast.common.ProtocolException} UNAVAILABLE (with {@code retryAfterMs}) when no owner answers.
   */
  Future<Publication> snapshot(ChannelKey key);

  /**
   * The publications of {@code key} after {@code afterSeq} in {@code epoch}, oldest first, from the owner's history;
   * null when it no longer holds all of them (or the epoch changed). Fails when no owner answers.
   */
  Future<List<Publication>> missed(ChannelKey key, long afterSeq, String epoch);
}
