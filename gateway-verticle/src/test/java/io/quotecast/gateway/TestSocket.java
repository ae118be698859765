package io.quotecast.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A WebSocket client for tests: records every message and the close code; waits are bounded. */
final class TestSocket implements AutoCloseable {
  static final long WAIT_MS = 10_000;

  private final WebSocketClient client;
  private final ClientWebSocket ws;
  private final List<JsonObject> messages = new ArrayList<>();
  private Short closeCode;
  private int nextId;

  private TestSocket(WebSocketClient client, ClientWebSocket ws) {
    this.client = client;
    this.ws = ws;
  }

  /** Connects to {@code ws://127.0.0.1:port/ws} and waits for the upgrade (fails on a refusal). */
  static TestSocket connect(Vertx vertx, int port) {
    WebSocketClient client = vertx.createWebSocketClient();
    ClientWebSocket ws = client.webSocket();
    TestSocket socket = new TestSocket(client, ws);
    ws.textMessageHandler(socket::onText);
    ws.closeHandler(v -> socket.onClose(ws.closeStatusCode()));
    ws.exceptionHandler(t -> { });
    await(ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws")));
    return socket;
  }

  static <T> T await(Future<T> future) {
    return await(future, WAIT_MS);
  }

  static <T> T await(Future<T> future, long waitMs) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(waitMs, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("did not complete: " + e, e);
    }
  }

  private synchronized void onText(String text) {
    messages.add(new JsonObject(text));
    notifyAll();
  }

  private synchronized void onClose(Short code) {
    closeCode = code == null ? -1 : code;
    notifyAll();
  }

  synchronized List<JsonObject> messages() {
    return new ArrayList<>(messages);
  }

  /** The first message matching {@code test}, waiting for it. */
  synchronized JsonObject waitFor(Predicate<JsonObject> test) {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    while (true) {
      for (JsonObject m : messages) {
        if (test.test(m)) {
          return m;
        }
      }
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        throw new AssertionError("no matching message; got " + messages);
      }
      try {
        wait(left);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  synchronized int awaitClose() {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    while (closeCode == null) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        throw new AssertionError("not closed; got " + messages);
      }
      try {
        wait(left);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    return closeCode;
  }

  synchronized boolean isClosed() {
    return closeCode != null;
  }

  JsonObject welcome() {
    return waitFor(m -> "welcome".equals(m.getString("type")));
  }

  /** Sends a request and waits for its reply (result or error). */
  JsonObject request(String op, JsonObject args) {
    String id;
    synchronized (this) {
      id = "r" + (++nextId);
    }
    await(ws.writeTextMessage(new JsonObject().put("op", op).put("id", id).put("args", args).encode()));
    return waitFor(m -> id.equals(m.getString("id")));
  }

  @Override
  public void close() {
    try {
      await(ws.close());
    } catch (AssertionError ignored) {
      // already closed by the server
    }
    client.close();
  }
}
