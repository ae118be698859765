package io.quotecast.sdk;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A loopback server speaking just enough of the protocol; the test thread scripts it connection by connection. */
final class FakeServer {
  static final long WAIT_S = 10;

  /** One client connection: what it sent, and a way to answer. */
  static final class Conn {
    final ServerWebSocket ws;
    final String authorization;
    /** The upgrade request's URI, query included. */
    final String uri;
    final BlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
    /** Between {@link #startBatch} and {@link #endBatch}: what is sent meanwhile, to go out as one batch frame. */
    private JsonArray batch;

    Conn(ServerWebSocket ws) {
      this.ws = ws;
      this.uri = ws.uri();
      this.authorization = ws.headers().get("Authorization");
      ws.textMessageHandler(t -> received.add(new JsonObject(t)));
    }

    void send(JsonObject m) {
      m.put("ts", System.currentTimeMillis());
      if (batch != null) {
        batch.add(m);
      } else {
        ws.writeTextMessage(m.encode());
      }
    }

    /** Messages sent from now on are combined, as a server with {@code batch} > 0 does (PROTOCOL.md §6). */
    void startBatch() {
      batch = new JsonArray();
    }

    /** Sends what was combined since {@link #startBatch} as one {@code batch} frame. */
    void endBatch() {
      JsonArray data = batch;
      batch = null;
      ws.writeTextMessage(new JsonObject().put("type", "batch").put("ts", System.currentTimeMillis()).put("data", data)
          .encode());
    }

    void welcome() {
      send(new JsonObject().put("type", "welcome").put("data", new JsonObject().put("node", "fake")));
    }

    /** The next request with this op (skipping pings), or fails the test. */
    JsonObject expect(String op) throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
      while (System.nanoTime() < end) {
        JsonObject m = received.poll(100, TimeUnit.MILLISECONDS);
        if (m != null && op.equals(m.getString("op"))) {
          return m;
        }
      }
      throw new AssertionError("no " + op + " request");
    }

    void reply(JsonObject request, JsonObject data) {
      send(new JsonObject().put("type", "result").put("id", request.getValue("id")).put("data", data));
    }

    void subscribed(JsonObject request, String ch, long seq, String epoch) {
      reply(request, new JsonObject().put("subscribed", new JsonArray()
          .add(new JsonObject().put("ch", ch).put("freq", "realtime").put("seq", seq).put("epoch", epoch)))
          .put("rejected", new JsonArray()));
    }

    void error(JsonObject request, String code, JsonObject extra) {
      send(new JsonObject().put("type", "error").put("id", request == null ? null : request.getValue("id"))
          .put("data", extra.copy().put("code", code).put("message", code)));
    }

    void trade(String ch, long seq, JsonObject meta) {
      JsonObject m = new JsonObject().put("type", "trade").put("ch", ch).put("seq", seq).put("data",
          new JsonObject().put("symbol", ch.substring(ch.indexOf(':') + 1)).put("tradeId", seq).put("price", 10.01)
              .put("volume", 100).put("amount", 1001.00).put("side", "buy").put("time", 1764000000000L));
      if (meta != null) {
        m.put("meta", meta);
      }
      send(m);
    }

    void close(short code) {
      ws.close(code, "test");
    }
  }

  final HttpServer server;
  final BlockingQueue<Conn> connections = new LinkedBlockingQueue<>();
  volatile JsonObject endpoints;
  /** Upgrade requests refused so far, with the time of each refusal (epoch ms). */
  final BlockingQueue<Long> refusals = new LinkedBlockingQueue<>();
  private final AtomicInteger refuse = new AtomicInteger();
  private volatile String retryAfter;
  private volatile JsonObject problem;

  private FakeServer(HttpServer server) {
    this.server = server;
  }

  static FakeServer start(Vertx vertx) throws Exception {
    HttpServer http = vertx.createHttpServer();
    FakeServer fake = new FakeServer(http);
    http.requestHandler(req -> {
      if (req.canUpgradeToWebSocket()) {
        if (fake.refuse.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          // what a full or draining gateway answers before the upgrade
          fake.refusals.add(System.currentTimeMillis());
          if (fake.retryAfter != null) {
            req.response().putHeader("Retry-After", fake.retryAfter);
          }
          req.response().setStatusCode(503).putHeader("Content-Type", "application/problem+json")
              .end(fake.problem == null ? "" : fake.problem.encode());
        } else {
          req.toWebSocket().onSuccess(ws -> fake.connections.add(new Conn(ws)));
        }
      } else if (req.path().equals("/api/v1/endpoints") && fake.endpoints != null) {
        req.response().putHeader("Content-Type", "application/json").end(fake.endpoints.encode());
      } else {
        req.response().setStatusCode(404).end();
      }
    });
    http.listen(0, "127.0.0.1").await(WAIT_S, TimeUnit.SECONDS);
    return fake;
  }

  /** The next {@code times} upgrade requests get 503 with this Retry-After header (null: none) and problem body. */
  void refuseNext(int times, String retryAfterHeader, JsonObject problemBody) {
    this.retryAfter = retryAfterHeader;
    this.problem = problemBody;
    this.refuse.set(times);
  }

  void close() throws Exception {
    server.close().await(WAIT_S, TimeUnit.SECONDS);
  }

  String url() {
    return "ws://127.0.0.1:" + server.actualPort() + "/ws";
  }

  Conn next() throws InterruptedException {
    Conn c = connections.poll(WAIT_S, TimeUnit.SECONDS);
    if (c == null) {
      throw new AssertionError("no connection");
    }
    return c;
  }
}
