package io.quotecast.sdk;

import io.vertx.core.Future;

/** A listener's hold on a channel; the channel is unsubscribed on the server when its last listener leaves. */
public interface Subscription {
  String channel();

  Future<Void> unsubscribe();
}
