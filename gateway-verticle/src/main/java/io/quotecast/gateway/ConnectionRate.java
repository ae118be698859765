package io.quotecast.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * New connections per client address (issue 7 admission): one {@link TokenBucket} per address, refilled at
 * {@code limits.connectionsPerIpPerSecond} and holding {@code limits.connectionBurstPerIp}, so a page that opens a few
 * sockets at once is fine but one address cannot open hundreds a second (a reconnect storm, a runaway script) and
 * starve everybody else's handshakes. One per node, shared by every gateway verticle instance: a client that spreads
 * its handshakes over event loops still meets one budget. Buckets that filled up again are forgotten, so memory follows
 * the addresses active in the last few seconds, not every address ever seen.
 */
final class ConnectionRate implements Shareable {
  /** How often full buckets are swept out. */
  static final long SWEEP_MS = 10_000;
  private static final String KEY = "connection-rate";

  private final int perSecond;
  private final int burst;
  private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();
  private final AtomicLong sweptAt;

  /** @param perSecond new connections per second per address; 0 = no limit */
  ConnectionRate(int perSecond, int burst, long now) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.sweptAt = new AtomicLong(now);
  }

  /** The node's instance: the first gateway verticle to start creates it, with its settings. */
  static ConnectionRate of(Vertx vertx, int perSecond, int burst) {
    LocalMap<String, ConnectionRate> map = vertx.sharedData().getLocalMap(ConnectionRate.class.getName());
    ConnectionRate fresh = new ConnectionRate(perSecond, burst, System.currentTimeMillis());
    ConnectionRate existing = map.putIfAbsent(KEY, fresh);
    return existing != null ? existing : fresh;
  }

  boolean enabled() {
    return perSecond > 0;
  }

  /**
   * Takes a connection from {@code address}'s budget: 0 when it may connect, else how many milliseconds until it may
   * (for {@code Retry-After}). Any thread.
   */
  long acquire(String address, long now) {
    if (perSecond <= 0) {
      return 0;
    }
    sweep(now);
    TokenBucket bucket = buckets.computeIfAbsent(address, a -> new TokenBucket(perSecond, burst, now));
    synchronized (bucket) {
      return bucket.tryAcquire(now) ? 0 : bucket.retryAfterMs(now);
    }
  }

  /** Addresses with a partly spent budget (for the operations API and tests). */
  int tracked() {
    return buckets.size();
  }

  private void sweep(long now) {
    long last = sweptAt.get();
    if (now - last < SWEEP_MS || !sweptAt.compareAndSet(last, now)) {
      return;
    }
    // A bucket taken from concurrently while it is removed gives that one address at most one extra connection.
    buckets.entrySet().removeIf(e -> {
      synchronized (e.getValue()) {
        return e.getValue().full(now);
      }
    });
  }
}
