package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * A recording SockJS session over SockJS's raw WebSocket transport ({@code /sockjs/000/<session>/websocket}). The
 * server sends frames {@code o}, {@code h}, {@code a[..]} (JSON strings holding our envelopes) and
 * {@code c[code,"reason"]}; the client sends a JSON array of strings. Every frame is kept as received
 * ({@link #frameList()}) and every envelope of the {@code a} frames in arrival order ({@link #messages()}). Waits block
 * the calling (test) thread, never an event loop, and are bounded.
 */
final class SockJsClient implements AutoCloseable {
  private final Object lock = new Object();
  private final List<String> frames = new ArrayList<>();
  private final List<JsonObject> messages = new ArrayList<>();
  private final WebSocketClient client;
  private final ClientWebSocket ws;
  private int ids;
  private volatile Integer sockJsCloseCode;
  private volatile boolean closed;

  private SockJsClient(WebSocketClient client, ClientWebSocket ws) {
    this.client = client;
    this.ws = ws;
  }

  static SockJsClient connect(Vertx vertx, int port) {
    return connect(vertx, port, "", null);
  }

  /**
   * Opens a new SockJS session; {@code query} like {@code "?token=..."} or "", extra handshake {@code headers} (e.g.
   * {@link WsClient#bearer}) may be null.
   */
  static SockJsClient connect(Vertx vertx, int port, String query, MultiMap headers) {
    WebSocketClient client = vertx.createWebSocketClient();
    ClientWebSocket ws = client.webSocket();
    SockJsClient c = new SockJsClient(client, ws);
    ws.textMessageHandler(c::onFrame);
    ws.closeHandler(v -> {
      c.closed = true;
      synchronized (c.lock) {
        c.lock.notifyAll();
      }
    });
    ws.exceptionHandler(t -> { });
    String session = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/sockjs/000/" + session + "/websocket" + query);
    if (headers != null) {
      headers.forEach(options::addHeader);
    }
    try {
      QuotecastServer.await(ws.connect(options), QuotecastServer.TIMEOUT_S);
    } catch (AssertionError e) {
      client.close();
      throw e;
    }
    return c;
  }

  private void onFrame(String text) {
    synchronized (lock) {
      frames.add(text);
      if (text.startsWith("a")) {
        for (Object o : new JsonArray(text.substring(1))) {
          messages.add(new JsonObject((String) o));
        }
      } else if (text.startsWith("c")) {
        sockJsCloseCode = new JsonArray(text.substring(1)).getInteger(0);
      }
      lock.notifyAll();
    }
  }

  // ---- reading ----------------------------------------------------------------------------------------------------

  /** Every envelope so far, in arrival order. */
  List<JsonObject> messages() {
    synchronized (lock) {
      return new ArrayList<>(messages);
    }
  }

  /** Every SockJS frame so far, as received. */
  List<String> frameList() {
    synchronized (lock) {
      return new ArrayList<>(frames);
    }
  }

  /** Every SockJS frame so far as one text, for failure messages. */
  String frames() {
    return frameList().toString();
  }

  /** The first envelope matching {@code p}, waiting up to {@link WsClient#WAIT_MS}; fails otherwise. */
  JsonObject waitFor(Predicate<JsonObject> p) {
    await(() -> first(p) != null, WsClient.WAIT_MS, "no matching SockJS message");
    return first(p);
  }

  /** The first envelope so far matching {@code p}, or null; messages only grow, so a match stays the first. */
  private JsonObject first(Predicate<JsonObject> p) {
    synchronized (lock) {
      return messages.stream().filter(p).findFirst().orElse(null);
    }
  }

  JsonObject welcome() {
    JsonObject w = waitFor(m -> "welcome".equals(m.getString("type")));
    synchronized (lock) {
      assertEquals("welcome", messages.get(0).getString("type"), "welcome first: " + frames);
    }
    return w;
  }

  /** Waits (holding the lock) until {@code condition} holds; fails with {@code what} and the frames otherwise. */
  private void await(BooleanSupplier condition, long timeoutMs, String what) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    synchronized (lock) {
      while (!condition.getAsBoolean()) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          fail(what + "; frames: " + frames);
        }
        try {
          lock.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }

  // ---- requests ---------------------------------------------------------------------------------------------------

  /** Sends a request with a fresh id and returns the first envelope carrying that id (its reply). */
  JsonObject request(String op, JsonObject args) {
    String id = "s" + (++ids);
    JsonObject req = new JsonObject().put("op", op).put("id", id);
    if (args != null) {
      req.put("args", args);
    }
    QuotecastServer.await(ws.writeTextMessage(new JsonArray().add(req.encode()).encode()),
        QuotecastServer.TIMEOUT_S);
    return waitFor(m -> id.equals(m.getValue("id")));
  }

  JsonObject request(String op) {
    return request(op, null);
  }

  // ---- closing ----------------------------------------------------------------------------------------------------

  /** Waits for the SockJS close frame (or the WebSocket closing) and returns the SockJS close code, or -1. */
  int awaitClose(long timeoutMs) {
    await(() -> sockJsCloseCode != null || closed, timeoutMs, "not closed within " + timeoutMs + " ms");
    Integer code = sockJsCloseCode;
    return code == null ? -1 : code;
  }

  boolean isClosed() {
    return closed || sockJsCloseCode != null;
  }

  @Override
  public void close() {
    try {
      if (!closed) {
        QuotecastServer.await(ws.close(), 5);
      }
    } catch (AssertionError | RuntimeException ignored) {
      // already closed
    } finally {
      client.close();
    }
  }
}
