package io.quotecast.monitor;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.quotecast.common.ChannelType;
import io.quotecast.common.ErrorCode;
import io.quotecast.common.GatewayCounters;
import io.quotecast.common.MessageTypes;
import io.quotecast.common.MetricNames;
import io.quotecast.common.auth.TierLimits;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Binds the node's meters to what already counts: the gateway's {@link GatewayCounters} (gauges and function
 * counters read the atomics at scrape time, so the hot path does no extra work) and the JVM (Micrometer's binders:
 * memory with the direct buffer pools, GC, threads, CPU, file descriptors, uptime).
 */
final class NodeMeters implements AutoCloseable {
  /** Close codes PROTOCOL.md §8 and the server use; other codes get a series once they occur. */
  private static final List<Short> CLOSE_CODES = List.of(MessageTypes.CLOSE_NORMAL, MessageTypes.CLOSE_GOING_AWAY,
      MessageTypes.CLOSE_POLICY, MessageTypes.CLOSE_TOO_BIG, MessageTypes.CLOSE_INTERNAL,
      MessageTypes.CLOSE_RESTARTING, MessageTypes.CLOSE_OVERLOADED, MessageTypes.CLOSE_MALFORMED,
      MessageTypes.CLOSE_UNAUTHORIZED, MessageTypes.CLOSE_FORBIDDEN, MessageTypes.CLOSE_SLOW_CONSUMER,
      MessageTypes.CLOSE_HEARTBEAT, MessageTypes.CLOSE_RATE_LIMITED, MessageTypes.CLOSE_OPERATOR);

  private final MeterRegistry registry;
  private final GatewayCounters c;
  private final Set<Integer> closeCodes = new HashSet<>();
  private final JvmGcMetrics gc = new JvmGcMetrics();

  NodeMeters(MeterRegistry registry, GatewayCounters counters) {
    this.registry = registry;
    this.c = counters;
    bindGateway();
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    // Netty allocates most direct buffers itself, outside the JDK's "direct" buffer pool that JvmMemoryMetrics shows.
    Gauge.builder(MetricNames.NETTY_DIRECT_MEMORY, NodeMeters::nettyDirectMemory)
        .description("Direct memory allocated by Netty outside the JDK buffer pools (-1: not tracked)")
        .baseUnit("bytes").strongReference(true).register(registry);
  }

  /** UNAUTHORIZED answers plus connections closed for a bad, expired or missing token (1008, 4001). */
  static long authFailures(GatewayCounters g) {
    return g.errors(ErrorCode.UNAUTHORIZED).sum() + g.closes(MessageTypes.CLOSE_POLICY).sum()
        + g.closes(MessageTypes.CLOSE_UNAUTHORIZED).sum();
  }

  /** RATE_LIMITED and LIMIT_EXCEEDED answers, closes 4029 and connections refused (503 or 1013). */
  static long rateLimitRefusals(GatewayCounters g) {
    return g.errors(ErrorCode.RATE_LIMITED).sum() + g.errors(ErrorCode.LIMIT_EXCEEDED).sum()
        + g.closes(MessageTypes.CLOSE_RATE_LIMITED).sum() + g.refused.sum();
  }

  /** Direct memory: the JDK's direct buffer pool plus what Netty allocated outside it. */
  static long directBytes() {
    long jdk = 0;
    for (java.lang.management.BufferPoolMXBean pool
        : java.lang.management.ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)) {
      if ("direct".equals(pool.getName())) {
        jdk += pool.getMemoryUsed();
      }
    }
    return jdk + (long) Math.max(0, nettyDirectMemory());
  }

  private void bindGateway() {
    for (String tier : TierLimits.NAMES) {
      gauge(MetricNames.CONNECTIONS, "Open client connections by the tier of their user", MetricNames.TAG_TIER, tier,
          g -> g.connections(tier));
    }
    gauge(MetricNames.CONNECTIONS, "Open client connections by the tier of their user", MetricNames.TAG_TIER,
        MetricNames.TIER_NONE, g -> g.connections(MetricNames.TIER_NONE));
    for (ChannelType type : ChannelType.values()) {
      gauge(MetricNames.SUBSCRIPTIONS, "Subscriptions held by connections, by channel type", MetricNames.TAG_TYPE,
          type.wire(), g -> g.subscriptions(type).get());
    }
    Gauge.builder(MetricNames.FEEDS, c, g -> g.feeds.get())
        .description("Channel feeds: event-bus consumers of channels, one per channel per gateway instance")
        .strongReference(true).register(registry);
    counter(MetricNames.CONNECTIONS_OPENED, "Client connections accepted", null, g -> g.connectionsTotal.get());
    counter(MetricNames.MESSAGES_IN, "Client messages received", null, g -> g.messagesIn.sum());
    counter(MetricNames.MESSAGES_OUT, "Messages written to clients", null, g -> g.messagesOut.sum());
    counter(MetricNames.NETWORK_IN, "Client message text received over WebSocket and SockJS", "bytes", g -> g.bytesIn.sum());
    counter(MetricNames.NETWORK_OUT, "Message text written to clients over WebSocket and SockJS", "bytes",
        g -> g.bytesOut.sum());
    counter(MetricNames.PUBLICATIONS_IN, "Publications received by the gateway's channel feeds", null,
        g -> g.publicationsIn.sum());
    counter(MetricNames.MESSAGES_CONFLATED, "State messages replaced by newer ones while a send queue was full", null,
        g -> g.conflated.sum());
    counter(MetricNames.MESSAGES_DROPPED, "Channel messages a connection never got (slow consumer, closed)", null,
        g -> g.dropped.sum());
    counter(MetricNames.MESSAGES_MALFORMED, "Malformed client messages", null, g -> g.malformed.sum());
    tagged(MetricNames.GAPS, "Seq gaps on the bus, filled from the owner's history or not", MetricNames.TAG_KIND,
        "filled", g -> g.gapsFilled.sum());
    tagged(MetricNames.GAPS, "Seq gaps on the bus, filled from the owner's history or not", MetricNames.TAG_KIND,
        "unfilled", g -> g.gapsUnfilled.sum());
    counter(MetricNames.SLOW_CONSUMER_CLOSES, "Connections closed as slow consumers (4008)", null,
        g -> g.closes(MessageTypes.CLOSE_SLOW_CONSUMER).sum());
    String auth = "Authentication failures: UNAUTHORIZED answers (error), closes 1008 and 4001 (close)";
    tagged(MetricNames.AUTH_FAILURES, auth, MetricNames.TAG_KIND, "error",
        g -> g.errors(ErrorCode.UNAUTHORIZED).sum());
    tagged(MetricNames.AUTH_FAILURES, auth, MetricNames.TAG_KIND, "close",
        g -> g.closes(MessageTypes.CLOSE_POLICY).sum() + g.closes(MessageTypes.CLOSE_UNAUTHORIZED).sum());
    String limits = "Refusals for limits: RATE_LIMITED/LIMIT_EXCEEDED answers (error), closes 4029 (close), "
        + "connections refused with 503 or 1013 (connection), connections refused with 429 for their address's "
        + "connection rate (address)";
    tagged(MetricNames.RATE_LIMIT_REFUSALS, limits, MetricNames.TAG_KIND, "error",
        g -> g.errors(ErrorCode.RATE_LIMITED).sum() + g.errors(ErrorCode.LIMIT_EXCEEDED).sum());
    tagged(MetricNames.RATE_LIMIT_REFUSALS, limits, MetricNames.TAG_KIND, "close",
        g -> g.closes(MessageTypes.CLOSE_RATE_LIMITED).sum());
    tagged(MetricNames.RATE_LIMIT_REFUSALS, limits, MetricNames.TAG_KIND, "connection", g -> g.refused.sum());
    tagged(MetricNames.RATE_LIMIT_REFUSALS, limits, MetricNames.TAG_KIND, "address",
        g -> g.refusedByAddressRate.sum());
    counter(MetricNames.HANDSHAKE_TIMEOUTS, "TCP connections closed without a complete HTTP request within "
        + "gateway.handshakeTimeoutMs", null, g -> g.handshakeTimeouts.sum());
    for (ErrorCode code : ErrorCode.values()) {
      tagged(MetricNames.ERRORS, "Error answers to clients (WebSocket error messages and REST problems)",
          MetricNames.TAG_CODE, code.name(), g -> g.errors(code).sum());
    }
    CLOSE_CODES.forEach(code -> closeCode(code));
    refreshCloseCodes();
  }

  /** Adds a series for every close code used since the last call (codes outside {@link #CLOSE_CODES}). */
  void refreshCloseCodes() {
    c.closesByCode().keySet().forEach(this::closeCode);
  }

  private void closeCode(int code) {
    if (closeCodes.add(code)) {
      c.closes(code); // creates the count, so the series exists (at 0) before the first such close
      tagged(MetricNames.CLOSES, "Connections the server closed, by close code", MetricNames.TAG_CODE,
          String.valueOf(code), g -> g.closes(code).sum());
    }
  }

  private void gauge(String name, String description, String tag, String value,
                     ToDoubleFunction<GatewayCounters> f) {
    Gauge.builder(name, c, f).description(description).tag(tag, value).strongReference(true).register(registry);
  }

  // Function counters hold their object weakly: the counters object (held by the node's local map) is it, never a
  // lambda that nothing else references.
  private void counter(String name, String description, String baseUnit, ToDoubleFunction<GatewayCounters> f) {
    FunctionCounter.builder(name, c, f).description(description).baseUnit(baseUnit).register(registry);
  }

  private void tagged(String name, String description, String tag, String value,
                      ToDoubleFunction<GatewayCounters> f) {
    FunctionCounter.builder(name, c, f).description(description).tag(tag, value).register(registry);
  }

  private static double nettyDirectMemory() {
    try {
      return io.netty.util.internal.PlatformDependent.usedDirectMemory();
    } catch (Throwable e) {
      return -1;
    }
  }

  @Override
  public void close() {
    gc.close(); // its GC notification listeners would otherwise outlive the monitor
  }
}
