package io.quotecast.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs the CLI against a small fake Quotecast server on a free local port. */
class QuotecastCliTest {
  private Vertx vertx;
  private int port;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
  private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

  @BeforeEach
  void startFakeServer() throws Exception {
    vertx = Vertx.vertx();
    HttpServer server = vertx.createHttpServer().webSocketHandler(ws -> {
      ws.writeTextMessage(new JsonObject().put("type", "welcome").put("ts", System.currentTimeMillis())
          .put("data", new JsonObject().put("connectionId", "c-test").put("protocol", 1)).encode());
      ws.textMessageHandler(text -> {
        requests.add(text);
        JsonObject req = new JsonObject(text);
        String id = req.getString("id");
        long now = System.currentTimeMillis();
        switch (req.getString("op")) {
          case "ping" -> ws.writeTextMessage(new JsonObject().put("type", "result").put("id", id).put("ts", now)
              .put("data", new JsonObject().put("serverTime", now)).encode());
          case "subscribe" -> {
            JsonArray channels = req.getJsonObject("args").getJsonArray("channels");
            JsonArray subscribed = new JsonArray();
            JsonArray rejected = new JsonArray();
            for (Object c : channels) {
              if (((String) c).endsWith("600520.SH")) {
                rejected.add(new JsonObject().put("ch", c).put("code", "INVALID_SYMBOL"));
              } else {
                subscribed.add(new JsonObject().put("ch", c).put("freq", "realtime").put("seq", 7).put("epoch", "e1"));
              }
            }
            ws.writeTextMessage(new JsonObject().put("type", "result").put("id", id).put("ts", now)
                .put("data", new JsonObject().put("subscribed", subscribed).put("rejected", rejected)).encode());
            for (int seq = 7; seq < 17 && !subscribed.isEmpty(); seq++) {
              String ch = subscribed.getJsonObject(0).getString("ch");
              if (seq == 10 && ch.endsWith("000002.SZ")) {
                continue; // a channel with a gap, for diag
              }
              ws.writeTextMessage("{\"type\":\"quote\",\"ts\":" + now + ",\"ch\":\"" + ch + "\",\"seq\":" + seq
                  + ",\"data\":{\"symbol\":\"600519.SH\",\"name\":\"贵州茅台\",\"last\":1725.50,\"time\":" + now + "}}");
            }
          }
          default -> ws.writeTextMessage(new JsonObject().put("type", "error").put("id", id).put("ts", now)
              .put("data", new JsonObject().put("code", "UNKNOWN_OP")).encode());
        }
      });
    });
    port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private int run(String... argv) throws Exception {
    return QuotecastCli.run(vertx, CliArgs.parse(argv), out, err)
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private String url() {
    return "ws://127.0.0.1:" + port + "/ws";
  }

  @Test
  void pingPrintsWelcomeAndFiveRoundTrips() throws Exception {
    assertEquals(0, run("ping", url()));
    String[] lines = outBytes.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(7, lines.length, outBytes.toString(StandardCharsets.UTF_8));
    assertEquals("welcome", new JsonObject(lines[0]).getString("type"));
    for (int i = 1; i <= 5; i++) {
      assertTrue(lines[i].startsWith("ping p" + i + ": "), lines[i]);
    }
    assertTrue(lines[6].startsWith("5 pings: min "), lines[6]);
    assertEquals(5, requests.size());
  }

  @Test
  void subscribePrintsMessagesUntilCount() throws Exception {
    assertEquals(0, run("subscribe", url(), "quote:600519.SH", "--freq", "1s", "--count", "4"));
    String[] lines = outBytes.toString(StandardCharsets.UTF_8).split("\n");
    // welcome, result, then 4 channel messages
    assertEquals(6, lines.length, outBytes.toString(StandardCharsets.UTF_8));
    assertEquals("welcome", new JsonObject(lines[0]).getString("type"));
    assertEquals("result", new JsonObject(lines[1]).getString("type"));
    assertEquals(10, new JsonObject(lines[5]).getLong("seq"));
    assertTrue(lines[2].contains("贵州茅台"));
    JsonObject req = new JsonObject(requests.get(0));
    assertEquals("subscribe", req.getString("op"));
    assertEquals("1s", req.getJsonObject("args").getString("freq"));
    assertEquals(List.of("quote:600519.SH"), req.getJsonObject("args").getJsonArray("channels").getList());
  }

  @Test
  void subscribeFailsWhenEverythingIsRejected() throws Exception {
    assertEquals(1, run("subscribe", url(), "quote:600520.SH", "--count", "1"));
    assertTrue(errBytes.toString(StandardCharsets.UTF_8).contains("INVALID_SYMBOL"));
  }

  @Test
  void connectionRefusedIsExitCodeOne() throws Exception {
    int free;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      free = s.getLocalPort();
    }
    assertEquals(1, run("ping", "ws://127.0.0.1:" + free + "/ws"));
    assertTrue(errBytes.toString(StandardCharsets.UTF_8).contains("cannot connect"));
  }

  @Test
  void diagReportsHandshakeRttSubscribeLatencyAndGaps() throws Exception {
    assertEquals(0, run("diag", url(), "--count", "10"));
    String report = outBytes.toString(StandardCharsets.UTF_8);
    assertTrue(report.startsWith("handshake "), report);
    assertTrue(report.contains("welcome        after "), report);
    assertTrue(report.contains("connection c-test"), report);
    assertTrue(report.contains("ping rtt       3 pings"), report);
    assertTrue(report.contains("1 subscribed, 0 rejected"), report);
    assertTrue(report.contains("messages       10"), report);
    assertTrue(report.contains("source->client ms p50 "), report);
    assertTrue(report.contains("gaps 0 (missed 0), duplicates 0"), report);
    JsonObject sub = new JsonObject(requests.get(3));
    assertEquals("subscribe", sub.getString("op"));
    assertEquals(List.of("quote:600519.SH"), sub.getJsonObject("args").getJsonArray("channels").getList(),
        "the default channel");
  }

  @Test
  void diagExitsTwoWhenItSeesAGap() throws Exception {
    assertEquals(2, run("diag", url(), "quote:000002.SZ", "--count", "9"));
    assertTrue(outBytes.toString(StandardCharsets.UTF_8).contains("gaps 1 (missed 1)"),
        outBytes.toString(StandardCharsets.UTF_8));
  }
}
