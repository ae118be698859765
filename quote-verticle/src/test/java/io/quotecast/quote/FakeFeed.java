package io.quotecast.quote;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal upstream feed for tests: a WebSocket server on 127.0.0.1 that records handshakes and the frames clients
 * send, sends what the test tells it to, and can refuse handshakes (HTTP 503) or drop its connections.
 */
final class FakeFeed implements AutoCloseable {
  final List<MultiMap> handshakes = new CopyOnWriteArrayList<>();
  final List<String> received = new CopyOnWriteArrayList<>();
  final AtomicInteger attempts = new AtomicInteger();
  private final List<ServerWebSocket> sockets = new CopyOnWriteArrayList<>();
  private final HttpServer server;
  private volatile boolean refusing;

  private FakeFeed(Vertx vertx) {
    server = vertx.createHttpServer();
    server.webSocketHandshakeHandler(handshake -> {
      attempts.incrementAndGet();
      if (refusing) {
        handshake.reject(503);
        return;
      }
      handshakes.add(MultiMap.caseInsensitiveMultiMap().addAll(handshake.headers()));
      handshake.accept();
    });
    server.webSocketHandler(ws -> {
      sockets.add(ws);
      ws.textMessageHandler(received::add);
      ws.closeHandler(v -> sockets.remove(ws));
    });
  }

  static FakeFeed start(Vertx vertx, int port) {
    FakeFeed feed = new FakeFeed(vertx);
    await(feed.server.listen(port, "127.0.0.1"));
    return feed;
  }

  int port() {
    return server.actualPort();
  }

  int connections() {
    return sockets.size();
  }

  /** Sends a text frame to every connected client. */
  void send(String frame) {
    for (ServerWebSocket ws : sockets) {
      ws.writeTextMessage(frame);
    }
  }

  /** While on, handshakes are refused with 503 (the feed is "down" but its port answers). */
  void refuse(boolean on) {
    refusing = on;
  }

  /** Closes every client connection (1001), as a feed going away does. */
  void drop() {
    for (ServerWebSocket ws : sockets) {
      ws.close((short) 1001, "feed going away");
    }
  }

  @Override
  public void close() {
    await(server.close());
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
