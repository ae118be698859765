package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.client.CliArgs;
import io.quotecast.client.QuotecastCli;
import io.quotecast.common.Addresses;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Message tracing on a real node: a connection trace captures a subscribe (in), its reply and the pushes (out, with
 * source-to-write latency); a user trace follows connections that open later; a symbol trace sees the publications
 * the feeds receive and the messages written for that symbol only; traces end by themselves; and the CLI prints a
 * trace until it ends.
 */
class MessageTraceTest {
  static final String CH = "quote:600519.SH";
  static QuotecastServer server;
  static Ops ops;

  @BeforeAll
  static void start() {
    server = QuotecastServer.start(config -> TestTokens.configure(config, true, false));
    ops = new Ops(server);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static WsClient open(String user) {
    String token = TestTokens.token(user).tier("pro").scopes("md:quote", "md:trade", "md:kline").build();
    return WsClient.open(server.vertx, server.port, "/ws?token=" + token);
  }

  static String id(WsClient c) {
    return c.welcome().getJsonObject("data").getString("connectionId");
  }

  static JsonObject startTrace(JsonObject body) {
    HttpResponse<Buffer> r = ops.post("/admin/traces", Ops.admin(), body);
    assertEquals(201, r.statusCode(), r::bodyAsString);
    return r.bodyAsJsonObject();
  }

  static List<JsonObject> events(String traceId) {
    return ops.get("/admin/traces/" + traceId).getJsonArray("events").stream().map(o -> (JsonObject) o).toList();
  }

  /** Waits until the trace holds an event matching {@code p}; returns it. */
  static JsonObject awaitEvent(String traceId, Predicate<JsonObject> p, String what) {
    JsonObject[] found = {null};
    assertTrue(QuotecastServer.poll(() -> {
      found[0] = events(traceId).stream().filter(p).findFirst().orElse(null);
      return found[0] != null;
    }, 10_000), () -> "no " + what + " in " + tail(events(traceId)));
    return found[0];
  }

  /** The last few events, for a failure message of readable size. */
  static String tail(List<JsonObject> events) {
    String text = events.subList(Math.max(0, events.size() - 5), events.size()).toString();
    return events.size() + " events, the last: " + (text.length() > 2000 ? text.substring(0, 2000) + "..." : text);
  }

  static MessageConsumer<JsonObject> listen(String traceId, List<JsonObject> into) {
    MessageConsumer<JsonObject> consumer = server.vertx.eventBus().consumer(Addresses.TRACE_EVENTS_PREFIX + traceId,
        m -> into.add(m.body()));
    QuotecastServer.await(consumer.completion(), 5);
    return consumer;
  }

  @Test
  void aConnectionTraceCapturesASubscribeItsReplyAndThePushes() {
    try (WsClient c = open("tracy"); WsClient other = open("tracy")) {
      String connectionId = id(c);
      JsonObject started = startTrace(new JsonObject().put("connectionId", connectionId).put("seconds", 30));
      assertEquals(1, started.getLong("matched"), started::encode);
      assertEquals(2, started.getInteger("gateways"), "every gateway instance took it");
      String traceId = started.getString("traceId");
      List<JsonObject> bus = new CopyOnWriteArrayList<>();
      MessageConsumer<JsonObject> consumer = listen(traceId, bus);

      JsonObject reply = c.request("subscribe", WsClient.args("channels", List.of(CH)));
      assertEquals("result", reply.getString("type"), reply::encode);
      String requestId = reply.getString("id");
      c.waitForChannel(CH, 4, WsClient.WAIT_MS);
      other.ok("ping"); // not traced

      JsonObject in = awaitEvent(traceId, e -> "in".equals(e.getString("direction"))
          && "subscribe".equals(e.getString("type")), "subscribe in");
      assertEquals(requestId, in.getString("id"));
      assertEquals(connectionId, in.getString("connectionId"));
      assertEquals("tracy", in.getString("user"));
      assertEquals("node-1", in.getString("node"));
      assertTrue(in.getString("text").contains("\"subscribe\""), in::encode);
      assertTrue(in.getInteger("bytes") > 20, in::encode);
      JsonObject result = awaitEvent(traceId, e -> "out".equals(e.getString("direction"))
          && "result".equals(e.getString("type")) && requestId.equals(e.getString("id")), "its reply");
      assertTrue(result.getLong("n") > in.getLong("n"), "the reply after the request");
      assertTrue(result.getLong("ts") >= in.getLong("ts"));
      awaitEvent(traceId, e -> CH.equals(e.getString("ch")) && e.getValue("latencyMs") instanceof Number
          && !e.getString("text").contains("\"snapshot\":true"), "a live push with its latency");
      List<JsonObject> pushes = events(traceId).stream().filter(e -> "out".equals(e.getString("direction"))
          && CH.equals(e.getString("ch"))).toList();
      assertTrue(pushes.size() >= 3, pushes::toString);
      assertTrue(pushes.get(0).getLong("n") > result.getLong("n"), "snapshot and pushes follow the reply");
      for (JsonObject push : pushes) {
        assertEquals("quote", push.getString("type"));
        assertEquals(connectionId, push.getString("connectionId"));
        assertTrue(push.getLong("seq") > 0);
        assertTrue(push.getString("text").length() <= 301, "cut to 300 characters");
      }
      assertTrue(events(traceId).stream().allMatch(e -> connectionId.equals(e.getString("connectionId"))),
          "only the traced connection");
      long n = result.getLong("n");
      assertTrue(ops.get("/admin/traces/" + traceId + "?after=" + n).getJsonArray("events").stream()
          .allMatch(e -> ((JsonObject) e).getLong("n") > n));
      assertTrue(ops.get("/admin/connections/" + connectionId).getJsonArray("traces").contains(traceId));

      HttpResponse<Buffer> stopped = ops.delete("/admin/traces/" + traceId, Ops.admin());
      assertEquals(200, stopped.statusCode(), stopped::bodyAsString);
      assertEquals("ended", stopped.bodyAsJsonObject().getString("state"));
      assertEquals("stopped", stopped.bodyAsJsonObject().getString("reason"));
      assertTrue(QuotecastServer.poll(() -> bus.stream().anyMatch(e -> e.getBoolean("end", false)), 5000),
          "the end marker on the bus");
      assertTrue(bus.stream().anyMatch(e -> "subscribe".equals(e.getString("type"))), "events on the bus too");
      assertTrue(ops.get("/admin/connections/" + connectionId).getJsonArray("traces").isEmpty(), "untraced again");
      long kept = ops.get("/admin/traces/" + traceId).getLong("captured");
      c.ok("ping");
      QuotecastServer.sleep(300);
      assertEquals(kept, ops.get("/admin/traces/" + traceId).getLong("captured"), "nothing after the stop");
      assertTrue(ops.get("/admin/traces").getJsonArray("traces").stream()
          .anyMatch(t -> traceId.equals(((JsonObject) t).getString("traceId"))), "listed among recent traces");
      consumer.unregister();
    }
  }

  @Test
  void aUserTraceFollowsConnectionsOpenedLater() {
    JsonObject started = startTrace(new JsonObject().put("user", "ursula").put("seconds", 30));
    String traceId = started.getString("traceId");
    assertEquals(0, started.getLong("matched"));
    try (WsClient u = open("ursula"); WsClient v = open("victor")) {
      String uid = id(u);
      u.ok("ping");
      v.ok("ping");
      JsonObject welcome = awaitEvent(traceId, e -> "welcome".equals(e.getString("type")), "ursula's welcome");
      assertEquals(uid, welcome.getString("connectionId"));
      awaitEvent(traceId, e -> "ping".equals(e.getString("type")) && "in".equals(e.getString("direction")),
          "ursula's ping");
      assertTrue(events(traceId).stream().allMatch(e -> uid.equals(e.getString("connectionId"))), "not victor");
    } finally {
      ops.delete("/admin/traces/" + traceId, Ops.admin());
    }
  }

  @Test
  void aSymbolTraceSeesItsPublicationsAndWritesOnly() {
    try (WsClient c = open("sym"); WsClient late = open("sym2")) {
      String cid = id(c);
      c.ok("subscribe", WsClient.args("channels", List.of(CH, "quote:000001.SZ")));
      JsonObject started = startTrace(new JsonObject().put("symbol", "600519.sh").put("seconds", 30));
      String traceId = started.getString("traceId");
      assertEquals("600519.SH", started.getString("symbol"));
      assertEquals(1, started.getLong("matched"), "c's subscription to the symbol");
      String lateId = id(late);
      late.ok("subscribe", WsClient.args("channels", List.of(CH)));

      JsonObject received = awaitEvent(traceId, e -> "in".equals(e.getString("direction")), "a publication");
      assertNull(received.getValue("connectionId"), "received by a feed, not from a client");
      assertEquals(CH, received.getString("ch"));
      assertTrue(received.getLong("latencyMs") >= 0, received::encode);
      assertNotNull(received.getString("epoch"));
      JsonObject wrote = awaitEvent(traceId, e -> "out".equals(e.getString("direction"))
          && cid.equals(e.getString("connectionId")), "a write to c");
      assertEquals(CH, wrote.getString("ch"));
      assertEquals("quote", wrote.getString("type"));
      awaitEvent(traceId, e -> "out".equals(e.getString("direction")) && lateId.equals(e.getString("connectionId")),
          "a write to the subscription made after the start");
      assertTrue(events(traceId).stream().allMatch(e -> e.getString("ch").endsWith("600519.SH")),
          "no other symbol");
      ops.delete("/admin/traces/" + traceId, Ops.admin());
    }
  }

  @Test
  void aTraceEndsByItself() {
    List<JsonObject> bus = new CopyOnWriteArrayList<>();
    JsonObject started = startTrace(new JsonObject().put("user", "brief").put("seconds", 1));
    String traceId = started.getString("traceId");
    MessageConsumer<JsonObject> consumer = listen(traceId, bus);
    try (WsClient c = open("brief")) {
      String cid = id(c);
      assertEquals("active", ops.get("/admin/traces/" + traceId).getString("state"));
      assertTrue(QuotecastServer.poll(() -> "ended".equals(ops.get("/admin/traces/" + traceId).getString("state")),
          6000), "ended after its second");
      JsonObject trace = ops.get("/admin/traces/" + traceId);
      assertEquals("expired", trace.getString("reason"));
      assertTrue(trace.getLong("endedAt") - trace.getLong("startedAt") >= 1000, trace::encode);
      assertTrue(QuotecastServer.poll(() -> bus.stream().anyMatch(e -> e.getBoolean("end", false)
          && "expired".equals(e.getString("reason"))), 5000), () -> "end marker: " + bus);
      assertTrue(QuotecastServer.poll(() -> ops.get("/admin/connections/" + cid).getJsonArray("traces").isEmpty(),
          5000), "the gateways stopped watching");
      long events = trace.getLong("captured");
      c.ok("ping");
      QuotecastServer.sleep(300);
      assertEquals(events, ops.get("/admin/traces/" + traceId).getLong("captured"));
    } finally {
      consumer.unregister();
    }
  }

  @Test
  void badTraceRequests() {
    HttpResponse<Buffer> none = ops.post("/admin/traces", Ops.admin(), new JsonObject().put("seconds", 5));
    assertEquals(400, none.statusCode());
    assertEquals("BAD_REQUEST", none.bodyAsJsonObject().getString("code"));
    assertEquals(400, ops.post("/admin/traces", Ops.admin(), new JsonObject().put("user", "a").put("seconds", 301))
        .statusCode());
    assertEquals(400, ops.post("/admin/traces", Ops.admin(), new JsonObject().put("symbol", "moutai")).statusCode());
  }

  // ---- the CLI ----------------------------------------------------------------------------------------------------

  private record Run(int exit, String out, String err) {
  }

  private static Future<Integer> cli(ByteArrayOutputStream out, ByteArrayOutputStream err, String... argv)
      throws Exception {
    return QuotecastCli.run(server.vertx, CliArgs.parse(argv), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private static Run cliNow(String... argv) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = QuotecastServer.await(cli(out, err, argv), 20);
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private String opsUrl() {
    return "http://127.0.0.1:" + server.monitorPort;
  }

  @Test
  void theCliPrintsATraceAsJsonLinesUntilItEnds() throws Exception {
    try (WsClient c = open("clio")) {
      String cid = id(c);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Future<Integer> exit = cli(out, err, "trace", opsUrl(), "--connection", cid, "--seconds", "2",
          "--token", Ops.admin());
      assertTrue(QuotecastServer.poll(() -> ops.get("/admin/traces").getJsonArray("traces").stream()
          .map(t -> (JsonObject) t).anyMatch(t -> cid.equals(t.getString("connectionId"))
              && "active".equals(t.getString("state"))), 5000), "the CLI started a trace");
      String pingId = c.request("ping").getString("id");
      assertEquals(0, QuotecastServer.await(exit, 20), () -> err.toString(StandardCharsets.UTF_8));
      List<JsonObject> lines = Arrays.stream(out.toString(StandardCharsets.UTF_8).split("\n"))
          .filter(l -> !l.isBlank()).map(JsonObject::new).toList();
      assertTrue(lines.stream().anyMatch(e -> "in".equals(e.getString("direction")) && pingId.equals(e.getString("id"))),
          lines::toString);
      assertTrue(lines.stream().anyMatch(e -> "out".equals(e.getString("direction"))
          && "result".equals(e.getString("type")) && pingId.equals(e.getString("id"))), lines::toString);
      String traceId = lines.get(0).getString("traceId");
      assertTrue(lines.stream().allMatch(e -> traceId.equals(e.getString("traceId")) && !e.containsKey("end")));
      String said = err.toString(StandardCharsets.UTF_8);
      assertTrue(said.contains("trace " + traceId + " ended (expired)"), said);
    }
  }

  @Test
  void theCliExplainsRefusedTokens() throws Exception {
    Run noScope = cliNow("trace", opsUrl(), "--user", "x", "--seconds", "1", "--token", Ops.notAdmin());
    assertEquals(1, noScope.exit());
    assertTrue(noScope.err().contains("403") && noScope.err().contains("admin scope"), noScope.err());
    assertTrue(noScope.out().isEmpty());
    Run bad = cliNow("trace", opsUrl(), "--user", "x", "--token", "not-a-jwt");
    assertEquals(1, bad.exit());
    assertTrue(bad.err().contains("401") && bad.err().contains("refused the token"), bad.err());
    assertFalse(bad.err().contains("not-a-jwt"), "the token is not echoed");
  }
}
