package io.quotecast.app;

import static io.quotecast.app.WsClient.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Malformed and invalid requests (PROTOCOL.md §2, §5): an error each, and the connection stays usable. */
class BadInputTest extends SharedServerTest {

  static Stream<Arguments> malformed() {
    String longId = "x".repeat(65);
    return Stream.of(
        Arguments.of("not JSON", "hello {", "BAD_REQUEST", "message", null),
        Arguments.of("a JSON array", "[{\"op\":\"ping\"}]", "BAD_REQUEST", "message", null),
        Arguments.of("a JSON string", "\"ping\"", "BAD_REQUEST", "message", null),
        Arguments.of("a JSON number", "42", "BAD_REQUEST", "message", null),
        Arguments.of("id not a string", "{\"op\":\"ping\",\"id\":7}", "BAD_REQUEST", "id", null),
        Arguments.of("id too long", "{\"op\":\"ping\",\"id\":\"" + longId + "\"}", "BAD_REQUEST", "id", null),
        Arguments.of("op missing", "{\"id\":\"m1\",\"args\":{}}", "BAD_REQUEST", "op", "m1"),
        Arguments.of("op not a string", "{\"id\":\"m2\",\"op\":3}", "BAD_REQUEST", "op", "m2"),
        Arguments.of("unknown op", "{\"id\":\"m3\",\"op\":\"fly\"}", "UNKNOWN_OP", null, "m3"),
        Arguments.of("args not an object", "{\"id\":\"m4\",\"op\":\"subscribe\",\"args\":[\"quote:600519.SH\"]}",
            "BAD_REQUEST", "args", "m4"),
        Arguments.of("channels not an array", "{\"id\":\"m5\",\"op\":\"subscribe\",\"args\":{\"channels\":"
            + "\"quote:600519.SH\"}}", "BAD_REQUEST", "channels", "m5"),
        Arguments.of("channels not strings", "{\"id\":\"m6\",\"op\":\"subscribe\",\"args\":{\"channels\":[1,2]}}",
            "BAD_REQUEST", "channels", "m6"),
        Arguments.of("neither channels nor symbols", "{\"id\":\"m7\",\"op\":\"subscribe\",\"args\":{}}",
            "BAD_REQUEST", "channels", "m7"),
        Arguments.of("snapshot not a boolean", "{\"id\":\"m8\",\"op\":\"subscribe\",\"args\":{\"channels\":"
            + "[\"quote:600519.SH\"],\"snapshot\":\"yes\"}}", "BAD_REQUEST", "snapshot", "m8"),
        Arguments.of("too large", "{\"id\":\"m9\",\"op\":\"ping\",\"args\":{\"pad\":\"" + "x".repeat(70 * 1024)
            + "\"}}", "BAD_REQUEST", "message", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void errorAndConnectionStaysUsable(String what, String text, String code, String field, String id) {
    WsClient c = client();
    c.sendRaw(text);
    JsonObject error = c.waitFor(m -> "error".equals(m.getString("type")), WsClient.WAIT_MS);
    JsonObject data = error.getJsonObject("data");
    assertEquals(code, data.getString("code"), error::encode);
    assertTrue(data.getString("message", "").length() > 0, "error has a message");
    if (field != null) {
      assertEquals(field, data.getString("field"), error::encode);
    }
    if (code.equals("UNKNOWN_OP")) {
      JsonArray ops = data.getJsonArray("ops");
      assertTrue(ops != null && ops.contains("subscribe") && ops.contains("ping"), error::encode);
    }
    assertTrue(error.containsKey("id"), "an error reply carries id (null when unknown)");
    assertEquals(id, error.getValue("id"), error::encode);
    assertEquals("result", c.request("ping").getString("type"), "the connection stays usable");
    assertFalse(c.isClosed());
  }

  @Test
  void unknownOpEchoesTheRequestId() {
    WsClient c = client();
    JsonObject reply = c.request("teleport", new JsonObject());
    assertEquals("error", reply.getString("type"));
    assertEquals("UNKNOWN_OP", reply.getJsonObject("data").getString("code"));
    assertEquals(new JsonArray(List.of("subscribe", "unsubscribe", "update", "list", "snapshot", "resume", "ack",
        "ping", "auth", "configure")), reply.getJsonObject("data").getJsonArray("ops"));
  }

  @Test
  void repeatedMalformedMessagesClose4000() {
    WsClient c = client();
    for (int i = 0; i < 10; i++) {
      c.sendRaw("garbage " + i);
    }
    assertEquals(4000, c.awaitClose(WsClient.WAIT_MS));
    long errors = c.messages().stream().filter(m -> "error".equals(m.getString("type"))).count();
    assertTrue(errors >= 9, "each malformed message got its error before the close: " + errors);
  }

  @Test
  void nineMalformedMessagesDoNotClose() {
    WsClient c = client();
    for (int i = 0; i < 9; i++) {
      c.sendRaw("[" + i + "]");
    }
    c.waitUntil(() -> c.messages().stream().filter(m -> "error".equals(m.getString("type"))).count() == 9,
        WsClient.WAIT_MS, "9 errors");
    assertEquals("result", c.request("ping").getString("type"));
    assertFalse(c.isClosed());
  }

  // ---- invalid symbols and channels -------------------------------------------------------------------------------

  @Test
  void unknownSymbolIsRejectedWithSuggestions() {
    WsClient c = client();
    JsonObject data = c.ok("subscribe", subscribeArgs("quote:600519.SZ", "quote:600520.SH", "quote:" + BUSY));
    assertEquals(1, data.getJsonArray("subscribed").size(), data::encode);
    assertEquals("quote:" + BUSY, data.getJsonArray("subscribed").getJsonObject(0).getString("ch"));
    JsonArray rejected = data.getJsonArray("rejected");
    assertEquals(2, rejected.size(), data::encode);
    JsonObject sz = rejected(rejected, "600519.SZ");
    assertEquals("INVALID_SYMBOL", sz.getString("code"), sz::encode);
    assertTrue(sz.getString("message", "").length() > 0);
    assertTrue(sz.getJsonArray("suggestions").contains("600519.SH 贵州茅台"), sz::encode);
    assertTrue(sz.getJsonArray("suggestions").size() <= 5, "at most 5 suggestions");
    JsonObject near = rejected(rejected, "600520.SH");
    assertEquals("INVALID_SYMBOL", near.getString("code"), near::encode);
    assertTrue(suggests(near.getJsonArray("suggestions"), BUSY), near::encode);
    assertEquals(1, c.ok("list").getJsonArray("subscriptions").size());
  }

  @Test
  void namesAndPinyinSuggestTheSymbol() {
    WsClient c = client();
    for (String input : List.of("茅台", "gzmt")) {
      JsonObject data = c.ok("subscribe", args("symbols", List.of(input)));
      assertEquals(0, data.getJsonArray("subscribed").size(), data::encode);
      JsonArray rejected = data.getJsonArray("rejected");
      assertEquals(1, rejected.size(), data::encode);
      JsonObject r = rejected.getJsonObject(0);
      assertEquals("INVALID_SYMBOL", r.getString("code"), r::encode);
      assertTrue(suggests(r.getJsonArray("suggestions"), BUSY), () -> input + ": " + r.encode());
    }
    assertEquals(0, c.ok("list").getJsonArray("subscriptions").size());
  }

  @Test
  void badTypeIntervalOrFreqIsInvalidChannel() {
    WsClient c = client();
    JsonObject type = c.error("subscribe", args("symbols", List.of(BUSY), "types", List.of("quotes")),
        "INVALID_CHANNEL");
    assertTrue(type.getJsonArray("allowed").contains("quote"), type::encode);
    JsonObject interval = c.error("subscribe", args("symbols", List.of(BUSY), "types", List.of("kline"),
        "interval", "2m"), "INVALID_CHANNEL");
    assertTrue(interval.getJsonArray("allowed").contains("5m"), interval::encode);
    JsonObject freq = c.error("subscribe", args("channels", List.of("quote:" + BUSY), "freq", "2s"),
        "INVALID_CHANNEL");
    assertTrue(freq.getJsonArray("allowed").contains("500ms"), freq::encode);
    assertEquals(0, c.ok("list").getJsonArray("subscriptions").size(), "failed subscribes change nothing");

    // In the channels form each channel is accepted or rejected on its own (§4).
    JsonObject data = c.ok("subscribe", subscribeArgs("foo:" + BUSY, "kline:2m:" + BUSY, "trade:" + BUSY));
    assertEquals(1, data.getJsonArray("subscribed").size(), data::encode);
    JsonObject badType = rejected(data.getJsonArray("rejected"), "foo:");
    assertEquals("INVALID_CHANNEL", badType.getString("code"), badType::encode);
    assertTrue(badType.getJsonArray("allowed").contains("trade"), badType::encode);
    JsonObject badInterval = rejected(data.getJsonArray("rejected"), "kline:2m");
    assertEquals("INVALID_CHANNEL", badInterval.getString("code"), badInterval::encode);
    assertTrue(badInterval.getJsonArray("allowed").contains("1d"), badInterval::encode);
  }

  private static JsonObject rejected(JsonArray rejected, String chPart) {
    return rejected.stream().map(JsonObject.class::cast)
        .filter(r -> r.getString("ch", "").contains(chPart)).findFirst()
        .orElseThrow(() -> new AssertionError("no rejected entry for " + chPart + " in " + rejected));
  }

  @Test
  void noIdMalformedErrorHasNullId() {
    WsClient c = client();
    c.sendRaw("{\"op\":\"nope\"}");
    JsonObject e = c.waitFor(m -> "error".equals(m.getString("type")), WsClient.WAIT_MS);
    assertTrue(e.containsKey("id"));
    assertNull(e.getValue("id"));
  }

  /**
   * PROTOCOL.md §8: a frame above gateway.maxFrameBytes (256 KiB) is refused with close code 1009. Only the frame's
   * header is sent (announcing 300 KiB), so no unread data can turn the server's close into a TCP reset.
   */
  @Test
  void frameOverMaxFrameBytesCloses1009() {
    try (RawWebSocket raw = RawWebSocket.connect(server.vertx, server.port, "/ws")) {
      raw.waitUntil(() -> raw.textCount() >= 1, WsClient.WAIT_MS, "the welcome");
      raw.sendFrameHeader(300 * 1024);
      assertEquals(1009, raw.awaitClose(WsClient.WAIT_MS), "close code (-1: closed without a close frame)");
    }
  }
}
