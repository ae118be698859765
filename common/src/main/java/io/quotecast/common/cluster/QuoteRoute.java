package io.quotecast.common.cluster;

import io.quotecast.common.Addresses;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * How a gateway reaches the quote node that produces a symbol: a request to {@code quote.bucket.<n>} (only the owner
 * of bucket n has a consumer there) with header {@value #ACTION}. The answers are the owner's in-memory state, so REST,
 * the {@code snapshot} op and a new subscription's first message agree with the stream to the seq. With no owner
 * (a takeover in progress) the request fails with {@code NO_HANDLERS}: answer UNAVAILABLE with a retry hint.
 *
 * <ul>
 *   <li>{@value #SNAPSHOT}: body = channel key text; reply = the latest {@link io.quotecast.common.Publication}, or
 *       failure code {@value #NO_DATA} when the channel has published nothing yet.</li>
 *   <li>{@value #HISTORY}: body and reply as documented on the quote verticle's {@code QuoteRequests.history}.</li>
 *   <li>{@value #REPLAY}: body and reply as documented on {@code QuoteRequests.replay}.</li>
 * </ul>
 */
public final class QuoteRoute {
  private QuoteRoute() {}

  public static final String ACTION = "action";
  public static final String SNAPSHOT = "snapshot";
  public static final String HISTORY = "history";
  public static final String REPLAY = "replay";
  /** Failure code of a snapshot request for a channel without any publication yet. */
  public static final int NO_DATA = 404;

  public static String address(int bucket) {
    return Addresses.QUOTE_BUCKET_PREFIX + bucket;
  }

  public static String address(String symbol, int buckets) {
    return address(SymbolBuckets.of(symbol, buckets));
  }

  public static DeliveryOptions options(String action, long timeoutMs) {
    return new DeliveryOptions().addHeader(ACTION, action).setSendTimeout(timeoutMs);
  }
}
