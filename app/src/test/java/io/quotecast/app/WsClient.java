package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A recording protocol client over a real WebSocket. Every received JSON message is kept in arrival order, twice: as
 * received ({@link #frames()}: a {@code batch} message is one entry) and flattened ({@link #messages()}: a batch's
 * envelopes in its place). Waits block the calling (test) thread, never an event loop, and are bounded.
 */
final class WsClient implements AutoCloseable {
  static final long WAIT_MS = 10_000;

  private final Object lock = new Object();
  private final List<JsonObject> frames = new ArrayList<>();
  private final List<JsonObject> messages = new ArrayList<>();
  private final List<String> unparsed = new ArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final WebSocketClient client;
  private final ClientWebSocket ws;
  private volatile boolean closed;
  private volatile Short closeCode;
  private volatile String closeReason;

  private WsClient(WebSocketClient client, ClientWebSocket ws) {
    this.client = client;
    this.ws = ws;
  }

  static WsClient connect(Vertx vertx, int port, String uri) {
    return connect(vertx, port, uri, null);
  }

  /** Connects with extra handshake {@code headers} (e.g. {@code Authorization}, {@code Origin}); may be null. */
  static WsClient connect(Vertx vertx, int port, String uri, MultiMap headers) {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(1 << 20).setMaxMessageSize(16 << 20));
    ClientWebSocket ws = client.webSocket();
    WsClient c = new WsClient(client, ws);
    ws.textMessageHandler(c::onText);
    ws.closeHandler(v -> c.onClose());
    ws.exceptionHandler(t -> { });
    try {
      QuotecastServer.await(ws.connect(connectOptions(port, uri, headers)), QuotecastServer.TIMEOUT_S);
    } catch (AssertionError e) {
      if (closedDuringConnect(e)) {
        // The server answered and closed before Vert.x's client finished its connect bookkeeping (a refusal right
        // after the upgrade, on a busy machine): what arrived was delivered to our handlers; report the close.
        c.onClose();
        return c;
      }
      client.close();
      throw e;
    }
    return c;
  }

  private static boolean closedDuringConnect(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IllegalStateException && "WebSocket is closed".equals(t.getMessage())) {
        return true;
      }
    }
    return false;
  }

  /** Connects with extra handshake {@code headers} and waits for the welcome. */
  static WsClient open(Vertx vertx, int port, String uri, MultiMap headers) {
    WsClient c = connect(vertx, port, uri, headers);
    c.welcome();
    return c;
  }

  private static WebSocketConnectOptions connectOptions(int port, String uri, MultiMap headers) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri);
    if (headers != null) {
      headers.forEach(options::addHeader);
    }
    return options;
  }

  /** Handshake headers with {@code Authorization: Bearer token}. */
  static MultiMap bearer(String token) {
    return MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + token);
  }

  /** Handshake headers with {@code Origin: origin}. */
  static MultiMap origin(String origin) {
    return MultiMap.caseInsensitiveMultiMap().add("Origin", origin);
  }

  /**
   * Tries a WebSocket handshake and reports its outcome: 101 when the server upgraded (the connection is closed at
   * once), otherwise the HTTP status of the refusal.
   */
  static int handshakeStatus(Vertx vertx, int port, String uri, MultiMap headers) {
    WebSocketClient client = vertx.createWebSocketClient();
    try {
      ClientWebSocket ws = client.webSocket();
      ws.exceptionHandler(t -> { });
      Future<Integer> outcome = ws.connect(connectOptions(port, uri, headers))
          .map(socket -> 101)
          .recover(failure -> failure instanceof UpgradeRejectedException rejected
              ? Future.succeededFuture(rejected.getStatus()) : Future.failedFuture(failure));
      int status = QuotecastServer.await(outcome, QuotecastServer.TIMEOUT_S);
      if (status == 101) {
        try {
          QuotecastServer.await(ws.close(), 5);
        } catch (AssertionError ignored) {
          // the server may have closed it already
        }
      }
      return status;
    } finally {
      client.close();
    }
  }

  /** Connects and waits for the welcome; returns the client. */
  static WsClient open(Vertx vertx, int port, String uri) {
    WsClient c = connect(vertx, port, uri);
    c.welcome();
    return c;
  }

  private void onText(String text) {
    synchronized (lock) {
      JsonObject json;
      try {
        json = new JsonObject(text);
      } catch (RuntimeException e) {
        unparsed.add(text);
        lock.notifyAll();
        return;
      }
      frames.add(json);
      if ("batch".equals(json.getString("type")) && json.getValue("data") instanceof JsonArray array) {
        for (Object o : array) {
          messages.add((JsonObject) o);
        }
      } else {
        messages.add(json);
      }
      lock.notifyAll();
    }
  }

  private void onClose() {
    closeCode = ws.closeStatusCode();
    closeReason = ws.closeReason();
    closed = true;
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  // ---- reading ----------------------------------------------------------------------------------------------------

  /** Every message so far, batches flattened. */
  List<JsonObject> messages() {
    synchronized (lock) {
      return new ArrayList<>(messages);
    }
  }

  /** Every message so far as received (a batch is one entry). */
  List<JsonObject> frames() {
    synchronized (lock) {
      return new ArrayList<>(frames);
    }
  }

  List<String> unparsed() {
    synchronized (lock) {
      return new ArrayList<>(unparsed);
    }
  }

  int size() {
    synchronized (lock) {
      return messages.size();
    }
  }

  /** The channel messages of {@code ch} so far (snapshots included), in arrival order. */
  List<JsonObject> channel(String ch) {
    synchronized (lock) {
      return messages.stream().filter(m -> ch.equals(m.getString("ch"))).toList();
    }
  }

  /** The first message (batches flattened) matching {@code p}, waiting up to {@code timeoutMs}; fails otherwise. */
  JsonObject waitFor(Predicate<JsonObject> p, long timeoutMs) {
    JsonObject found = find(p, 0, timeoutMs);
    if (found == null) {
      fail("no matching message within " + timeoutMs + " ms; last messages: " + tail(5));
    }
    return found;
  }

  /** Like {@link #waitFor} but returns null on timeout. */
  JsonObject find(Predicate<JsonObject> p, int fromIndex, long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    synchronized (lock) {
      int i = fromIndex;
      while (true) {
        for (; i < messages.size(); i++) {
          if (p.test(messages.get(i))) {
            return messages.get(i);
          }
        }
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          return null;
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

  /** Waits until at least {@code n} messages of channel {@code ch} arrived. */
  List<JsonObject> waitForChannel(String ch, int n, long timeoutMs) {
    waitUntil(() -> channel(ch).size() >= n, timeoutMs, "at least " + n + " messages on " + ch);
    return channel(ch);
  }

  void waitUntil(java.util.function.BooleanSupplier condition, long timeoutMs, String what) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    synchronized (lock) {
      while (!condition.getAsBoolean()) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          fail("timed out after " + timeoutMs + " ms waiting for " + what);
        }
        try {
          lock.wait(Math.min(left, 50));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }

  JsonObject welcome() {
    JsonObject w = waitFor(m -> "welcome".equals(m.getString("type")), WAIT_MS);
    assertEquals("welcome", messages().get(0).getString("type"), "welcome must be the first message");
    return w;
  }

  String tail(int n) {
    synchronized (lock) {
      List<JsonObject> last = messages.subList(Math.max(0, messages.size() - n), messages.size());
      String text = last.toString();
      return text.length() > 2000 ? text.substring(0, 2000) + "..." : text;
    }
  }

  // ---- requests ---------------------------------------------------------------------------------------------------

  String nextId() {
    return "r" + ids.incrementAndGet();
  }

  /** Sends a request with a fresh id and returns its reply ({@code result} or {@code error}). */
  JsonObject request(String op, JsonObject args) {
    String id = nextId();
    JsonObject req = new JsonObject().put("op", op).put("id", id);
    if (args != null) {
      req.put("args", args);
    }
    sendRaw(req.encode());
    return reply(id);
  }

  JsonObject request(String op) {
    return request(op, null);
  }

  /** The reply to request {@code id}. */
  JsonObject reply(String id) {
    return waitFor(m -> ("result".equals(m.getString("type")) || "error".equals(m.getString("type")))
        && id.equals(m.getValue("id")), WAIT_MS);
  }

  /** Sends a request, asserts a {@code result} and returns its {@code data}. */
  JsonObject ok(String op, JsonObject args) {
    JsonObject reply = request(op, args);
    assertEquals("result", reply.getString("type"), () -> op + " " + args + " failed: " + reply);
    assertNotNull(reply.getJsonObject("data"), () -> "result without data: " + reply);
    return reply.getJsonObject("data");
  }

  JsonObject ok(String op) {
    return ok(op, null);
  }

  /** Sends a request, asserts an {@code error} with {@code code} and returns its {@code data}. */
  JsonObject error(String op, JsonObject args, String code) {
    JsonObject reply = request(op, args);
    assertEquals("error", reply.getString("type"), () -> op + " " + args + " should fail with " + code + ": " + reply);
    assertEquals(code, reply.getJsonObject("data").getString("code"), () -> "wrong error: " + reply);
    return reply.getJsonObject("data");
  }

  void sendRaw(String text) {
    QuotecastServer.await(ws.writeTextMessage(text), QuotecastServer.TIMEOUT_S);
  }

  /** The index of {@code m} (identity) in {@link #messages()}, or -1. */
  int indexOf(JsonObject m) {
    synchronized (lock) {
      for (int i = 0; i < messages.size(); i++) {
        if (messages.get(i) == m) {
          return i;
        }
      }
      return -1;
    }
  }

  // ---- closing ----------------------------------------------------------------------------------------------------

  boolean isClosed() {
    return closed;
  }

  /** Waits for the server to close the connection and returns its close code. */
  short awaitClose(long timeoutMs) {
    waitUntil(() -> closed, timeoutMs, "the connection to close");
    Short code = closeCode;
    return code == null ? -1 : code;
  }

  String closeReason() {
    return closeReason;
  }

  @Override
  public void close() {
    try {
      if (!closed) {
        QuotecastServer.await(ws.close(), 5);
        waitUntil(() -> closed, 5000, "close");
      }
    } catch (AssertionError | RuntimeException ignored) {
      // best effort
    } finally {
      client.close();
    }
  }

  // ---- helpers for channel data -----------------------------------------------------------------------------------

  static boolean isSnapshot(JsonObject m) {
    JsonObject meta = m.getJsonObject("meta");
    return meta != null && meta.getBoolean("snapshot", false);
  }

  static JsonObject args(Object... kv) {
    JsonObject o = new JsonObject();
    for (int i = 0; i < kv.length; i += 2) {
      Object v = kv[i + 1];
      if (v instanceof List<?> list) {
        v = new JsonArray(new ArrayList<>(list));
      }
      o.put((String) kv[i], v);
    }
    return o;
  }
}
