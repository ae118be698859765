package io.quotecast.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The webhook POSTs the alert's JSON, retries a failure once (not more), and gives up on a silent receiver in time. */
class AlertWebhookTest {
  /** 0: never answer. */
  private final Deque<Integer> statuses = new ArrayDeque<>();
  private final List<JsonObject> received = new CopyOnWriteArrayList<>();
  private final List<Long> receivedAt = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      received.add(body.toJsonObject().put("_contentType", req.getHeader("Content-Type")).put("_path", req.path()));
      receivedAt.add(System.currentTimeMillis());
      int status;
      synchronized (statuses) {
        status = statuses.isEmpty() ? 200 : statuses.poll();
      }
      if (status > 0) {
        req.response().setStatusCode(status).end();
      }
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static JsonObject alert() {
    return new JsonObject().put("id", "sourceDown-node-1-42").put("rule", "sourceDown").put("state", "firing")
        .put("details", new JsonObject().put("forMs", 0));
  }

  private Throwable send(AlertWebhook webhook) throws Exception {
    Future<Void> sent = Future.future(p -> vertx.runOnContext(v -> webhook.send(alert()).onComplete(p)));
    try {
      sent.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      return null;
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    }
  }

  private String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hooks/quotecast?key=secret";
  }

  @Test
  void postsTheAlertAsJson() throws Exception {
    AlertWebhook webhook = new AlertWebhook(vertx, url(), 2000);
    assertEquals(null, send(webhook));
    assertEquals(1, received.size());
    JsonObject got = received.get(0).copy();
    assertEquals("application/json", got.remove("_contentType"));
    assertEquals("/hooks/quotecast", got.remove("_path"));
    assertEquals(alert(), got, "the alert's JSON, as it is");
  }

  @Test
  void aFailureIsRetriedOnce() throws Exception {
    statuses.add(503);
    AlertWebhook webhook = new AlertWebhook(vertx, url(), 2000);
    assertEquals(null, send(webhook), "the retry got through");
    assertEquals(2, received.size());
    assertEquals(received.get(0), received.get(1));
    assertTrue(receivedAt.get(1) - receivedAt.get(0) >= AlertWebhook.RETRY_DELAY_MS - 50, "the retry waits");
  }

  @Test
  void aReceiverThatKeepsFailingGetsTwoAttemptsOnly() throws Exception {
    for (int i = 0; i < 5; i++) {
      statuses.add(500);
    }
    AlertWebhook webhook = new AlertWebhook(vertx, url(), 2000);
    Throwable failure = send(webhook);
    assertTrue(failure != null && failure.getMessage().contains("HTTP 500"), String.valueOf(failure));
    Thread.sleep(AlertWebhook.RETRY_DELAY_MS * 2);
    assertEquals(2, received.size(), "one attempt and one retry");
  }

  @Test
  void aSilentReceiverTimesOut() throws Exception {
    statuses.add(0);
    statuses.add(0);
    AlertWebhook webhook = new AlertWebhook(vertx, url(), 300);
    long t0 = System.currentTimeMillis();
    Throwable failure = send(webhook);
    long took = System.currentTimeMillis() - t0;
    assertTrue(failure != null, "timed out");
    assertTrue(took < 5000, "two timeouts and the retry delay, not more: " + took + " ms");
    assertEquals(2, received.size());
  }

  @Test
  void nobodyListeningFailsQuietly() throws Exception {
    int port = server.actualPort();
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    AlertWebhook webhook = new AlertWebhook(vertx, "http://127.0.0.1:" + port + "/", 500);
    assertTrue(send(webhook) != null);
  }
}
