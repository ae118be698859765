package io.quotecast.app;

import io.quotecast.common.ConfigLoader;
import io.quotecast.common.GatewayCounters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A whole Quotecast node (every role) in its own Vert.x instance, on free ports, for integration tests. Clients of the
 * tests run on the same Vert.x instance, so {@link #counters()} are the server's.
 */
final class QuotecastServer implements AutoCloseable {
  static final long TIMEOUT_S = 10;

  final Vertx vertx;
  final JsonObject config;
  final int port;
  final int monitorPort;
  final WebClient http;

  private QuotecastServer(Vertx vertx, JsonObject config, int port, int monitorPort) {
    this.vertx = vertx;
    this.config = config;
    this.port = port;
    this.monitorPort = monitorPort;
    // No keep-alive: a pooled connection the server closed after an earlier answer (a refusal, a SockJS session end)
    // must not be reused by the next test ("Connection was closed" flakes).
    this.http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setKeepAlive(false));
  }

  /** Starts a node with the test defaults, then {@code overrides} applied to the loaded config tree. */
  static QuotecastServer start(Consumer<JsonObject> overrides) {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject config = await(ConfigLoader.load(vertx, null), 30);
      int port = freePort();
      int monitorPort = freePort();
      config.getJsonObject("gateway").put("host", "127.0.0.1").put("port", port).put("instances", 2);
      config.getJsonObject("monitor").put("host", "127.0.0.1").put("port", monitorPort);
      config.getJsonObject("simulator").put("updatesPerSecond", 3000);
      // every client of the suite comes from 127.0.0.1: the per-address budget is AdmissionTest's, not every test's
      config.getJsonObject("limits").put("connectionsPerIpPerSecond", 0);
      overrides.accept(config);
      await(Quotecast.deploy(vertx, config, EnumSet.allOf(Role.class)), 60);
      return new QuotecastServer(vertx, config, port, monitorPort);
    } catch (RuntimeException | Error e) {
      vertx.close();
      throw e;
    }
  }

  /**
   * Like {@link #start}, but the node's Vert.x is built as production builds it ({@link ClusterBoot#start}: not
   * clustered, with Vert.x's own metrics feeding the node's Prometheus registry when {@code metrics.vertx}).
   */
  static QuotecastServer startWithMetrics(Consumer<JsonObject> overrides) {
    Vertx loader = Vertx.vertx();
    JsonObject config;
    try {
      config = await(ConfigLoader.load(loader, null), 30);
    } finally {
      loader.close();
    }
    int port = freePort();
    int monitorPort = freePort();
    config.getJsonObject("gateway").put("host", "127.0.0.1").put("port", port).put("instances", 2);
    config.getJsonObject("monitor").put("host", "127.0.0.1").put("port", monitorPort);
    config.getJsonObject("simulator").put("updatesPerSecond", 3000);
    overrides.accept(config);
    Vertx vertx = await(ClusterBoot.start(config), 30);
    try {
      await(Quotecast.deploy(vertx, config, EnumSet.allOf(Role.class)), 60);
      return new QuotecastServer(vertx, config, port, monitorPort);
    } catch (RuntimeException | Error e) {
      vertx.close();
      throw e;
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  GatewayCounters counters() {
    return GatewayCounters.of(vertx);
  }

  WsClient connect() {
    return WsClient.connect(vertx, port, "/ws");
  }

  WsClient connect(String uri) {
    return WsClient.connect(vertx, port, uri);
  }

  HttpResponse<Buffer> get(String uri) {
    return await(http.get(uri).send(), TIMEOUT_S);
  }

  HttpResponse<Buffer> getMonitor(String uri) {
    return await(http.get(monitorPort, "127.0.0.1", uri).send(), TIMEOUT_S);
  }

  static <T> T await(Future<T> future, long seconds) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError("operation failed: " + e.getCause(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("operation did not complete within " + seconds + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Polls {@code condition} every 20 ms for up to {@code timeoutMs}; true when it held. */
  static boolean poll(BooleanSupplier condition, long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      if (condition.getAsBoolean()) {
        return true;
      }
      if (System.currentTimeMillis() > deadline) {
        return false;
      }
      sleep(20);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Override
  public void close() {
    try {
      http.close();
      await(vertx.close(), 20);
    } catch (AssertionError e) {
      // best effort
    }
  }
}
