package io.quotecast.app;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A vendor feed for the end-to-end tests (docs/UPSTREAM-FEED.md): a WebSocket server on 127.0.0.1 that records
 * handshakes and the frames Quotecast sends, sends the ticks a test gives it, and a heartbeat every
 * {@value #HEARTBEAT_MS} ms like a healthy quiet feed. It can stall (no frames at all), refuse handshakes with 503,
 * drop its connections, or be closed and started again on the same port (a feed process restart). Runs on its own
 * Vert.x instance, as a separate process would.
 */
final class FakeUpstreamFeed implements AutoCloseable {
  static final long HEARTBEAT_MS = 200;

  final List<MultiMap> handshakes = new CopyOnWriteArrayList<>();
  final List<String> received = new CopyOnWriteArrayList<>();
  final AtomicInteger attempts = new AtomicInteger();
  private final List<ServerWebSocket> sockets = new CopyOnWriteArrayList<>();
  private final Vertx vertx;
  private final HttpServer server;
  private final long heartbeatTimer;
  private volatile boolean refusing;
  private volatile boolean stalled;

  private FakeUpstreamFeed(Vertx vertx) {
    this.vertx = vertx;
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
    heartbeatTimer = vertx.setPeriodic(HEARTBEAT_MS, id -> {
      if (!stalled) {
        send("{\"type\":\"heartbeat\",\"ts\":" + System.currentTimeMillis() + "}");
      }
    });
  }

  /** Starts a feed on {@code port} (0 = any free port). */
  static FakeUpstreamFeed start(Vertx vertx, int port) {
    FakeUpstreamFeed feed = new FakeUpstreamFeed(vertx);
    QuotecastServer.await(feed.server.listen(port, "127.0.0.1"), QuotecastServer.TIMEOUT_S);
    return feed;
  }

  int port() {
    return server.actualPort();
  }

  String url() {
    return "ws://127.0.0.1:" + port() + "/ticks";
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

  /** While stalled the feed stays connected but sends nothing, not even heartbeats. */
  void stall(boolean on) {
    stalled = on;
  }

  /** While refusing, handshakes get HTTP 503 (the vendor's endpoint answers but serves nobody). */
  void refuse(boolean on) {
    refusing = on;
  }

  /** Closes every connection (1001), as a feed dropping its clients does. */
  void drop() {
    for (ServerWebSocket ws : sockets) {
      ws.close((short) 1001, "feed going away");
    }
  }

  /** Stops listening and closes every connection: the feed process is gone. */
  @Override
  public void close() {
    vertx.cancelTimer(heartbeatTimer);
    QuotecastServer.await(server.close(), QuotecastServer.TIMEOUT_S);
  }
}
