package io.quotecast.sdk;

import io.vertx.core.Future;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/** How a {@link QuotecastClient} finds, authenticates to and watches the server. Fluent setters. */
public final class ClientOptions {
  /**
   * The connect-time {@code batch} (ms) unless set: the server combines what it has for the connection into at most
   * one frame per period. Measured in docs/BANDWIDTH.md: far fewer frames and write syscalls for a few ms of latency.
   */
  public static final int DEFAULT_BATCH_MS = 25;
  /** The largest batch the server accepts (PROTOCOL.md §4 {@code configure}). */
  public static final int MAX_BATCH_MS = 1000;

  private String discoveryUrl;
  private String url;
  private Supplier<Future<String>> tokenSupplier;
  private String clientName = "quotecast-sdk-java";
  private long backoffMinMs = 500;
  private long backoffMaxMs = 20_000;
  private long pingIntervalMs = 15_000;
  private long idleTimeoutMs = 45_000;
  private long staleAfterMs = 0;
  private int maxPendingPerChannel = 10_000;
  private long ackIntervalMs = 0;
  private int batchMs = DEFAULT_BATCH_MS;
  private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

  /** Connect through discovery: {@code GET <base>/api/v1/endpoints} on each connect, e.g. {@code http://lb:8080}. */
  public ClientOptions setDiscoveryUrl(String baseHttpUrl) {
    this.discoveryUrl = baseHttpUrl;
    return this;
  }

  /** Connect to a fixed WebSocket URL, e.g. {@code ws://127.0.0.1:8080/ws}. */
  public ClientOptions setUrl(String wsUrl) {
    this.url = wsUrl;
    return this;
  }

  /** Called before every connect and on {@code notice token_expiring}; a null or empty token connects anonymously. */
  public ClientOptions setTokenSupplier(Supplier<Future<String>> tokenSupplier) {
    this.tokenSupplier = tokenSupplier;
    return this;
  }

  /** Shown in the server's diagnostics ({@code client} query parameter). */
  public ClientOptions setClientName(String clientName) {
    this.clientName = clientName;
    return this;
  }

  /** Full-jitter reconnect backoff window, 0.5 s to 20 s by default (PROTOCOL.md §8). */
  public ClientOptions setBackoff(long minMs, long maxMs) {
    this.backoffMinMs = minMs;
    this.backoffMaxMs = maxMs;
    return this;
  }

  /** How often the {@code ping} op is sent, so an idle but healthy connection still hears from the server. */
  public ClientOptions setPingIntervalMs(long pingIntervalMs) {
    this.pingIntervalMs = pingIntervalMs;
    return this;
  }

  /** No message at all for this long: the connection is treated as dead and replaced. Must exceed the ping interval. */
  public ClientOptions setIdleTimeoutMs(long idleTimeoutMs) {
    this.idleTimeoutMs = idleTimeoutMs;
    return this;
  }

  /** No data on a subscribed channel for this long calls {@link ChannelListener#onStale}; 0 = off (the default). */
  public ClientOptions setStaleAfterMs(long staleAfterMs) {
    this.staleAfterMs = staleAfterMs;
    return this;
  }

  /** Messages parked per trade channel while a gap is being resumed; beyond it the gap is given up (Reset.GAP). */
  public ClientOptions setMaxPendingPerChannel(int maxPendingPerChannel) {
    this.maxPendingPerChannel = maxPendingPerChannel;
    return this;
  }

  /**
   * Sends the {@code ack} op every {@code ackIntervalMs} with the last delivered seq of each channel that delivered
   * something since the previous ack (PROTOCOL.md §4); the server records it per subscription and shows it in
   * {@code list} and its diagnostics, so operators can see how far a client really got. 0 = off (the default): acks
   * are diagnostics only (the server does not replay or hold anything by them) and each one counts against the
   * connection's request rate, so turn them on where operators want to see them (1000–5000 ms is plenty).
   */
  public ClientOptions setAckIntervalMs(long ackIntervalMs) {
    this.ackIntervalMs = ackIntervalMs;
    return this;
  }

  /**
   * Asks the server to batch ({@code batch} connect parameter, PROTOCOL.md §6): messages wait at most this many ms and
   * go out together, one frame per period. {@value #DEFAULT_BATCH_MS} by default; 0 = every message as soon as it is
   * ready (lowest latency, most frames). A {@code batch} already in {@link #setUrl} (or a discovered URL) wins.
   */
  public ClientOptions setBatchMs(int batchMs) {
    this.batchMs = batchMs;
    return this;
  }

  /** The jitter's random source, in [0, 1); tests make it deterministic. */
  public ClientOptions setRandom(DoubleSupplier random) {
    this.random = Objects.requireNonNull(random);
    return this;
  }

  public String discoveryUrl() {
    return discoveryUrl;
  }

  public String url() {
    return url;
  }

  public Supplier<Future<String>> tokenSupplier() {
    return tokenSupplier;
  }

  public String clientName() {
    return clientName;
  }

  public long backoffMinMs() {
    return backoffMinMs;
  }

  public long backoffMaxMs() {
    return backoffMaxMs;
  }

  public long pingIntervalMs() {
    return pingIntervalMs;
  }

  public long idleTimeoutMs() {
    return idleTimeoutMs;
  }

  public long staleAfterMs() {
    return staleAfterMs;
  }

  public int maxPendingPerChannel() {
    return maxPendingPerChannel;
  }

  public long ackIntervalMs() {
    return ackIntervalMs;
  }

  public int batchMs() {
    return batchMs;
  }

  public DoubleSupplier random() {
    return random;
  }

  void validate() {
    if ((discoveryUrl == null) == (url == null)) {
      throw new IllegalArgumentException("set exactly one of discoveryUrl and url");
    }
    if (pingIntervalMs <= 0 || idleTimeoutMs <= pingIntervalMs) {
      throw new IllegalArgumentException("need 0 < pingIntervalMs < idleTimeoutMs");
    }
    if (batchMs < 0 || batchMs > MAX_BATCH_MS) {
      throw new IllegalArgumentException("batchMs must be from 0 to " + MAX_BATCH_MS + " (0 = off)");
    }
    if (ackIntervalMs < 0) {
      throw new IllegalArgumentException("ackIntervalMs must be >= 0 (0 = off)");
    }
  }
}
