package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Authentication over {@code /sockjs} (its raw WebSocket transport, as {@link SockJsTest}): the same token sources,
 * the {@code auth} op, and the refusals, which arrive as SockJS close frames {@code c[code,"reason"]}. A node with
 * anonymous access off.
 */
class AuthSockJsTest {
  static QuotecastServer server;
  private final List<SockJsClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() {
    server = QuotecastServer.start(config -> TestTokens.configure(config, false, false));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void closeClients() {
    clients.forEach(SockJsClient::close);
    clients.clear();
  }

  /** A SockJS session over the WebSocket transport; {@code query} like {@code "?token=..."} or "". */
  private SockJsClient connect(String query, MultiMap headers) {
    SockJsClient c = SockJsClient.connect(server.vertx, server.port, query, headers);
    clients.add(c);
    return c;
  }

  private static JsonObject subscribeArgs(String... channels) {
    return new JsonObject().put("channels", new JsonArray(List.of((Object[]) channels)));
  }

  /**
   * The close code of a SockJS session. Vert.x's framed SockJS transports ignore {@code SockJSSocket.close(code,
   * reason)} (an interface default that calls {@code close()}) and always send {@code c[3000,"Go away!"]}; so the server
   * first sends a {@code notice} {@code closing} carrying the protocol code (README, protocol extensions). The code is
   * the close frame's when it is not 3000, else the notice's, and must be {@code expected}.
   */
  static void assertSockJsCloseCode(int expected, int actual, SockJsClient c) {
    if (actual != 3000) {
      assertEquals(expected, actual, c::frames);
      return;
    }
    JsonObject closing = c.messages().stream()
        .filter(m -> "notice".equals(m.getString("type")) && "closing".equals(m.getJsonObject("data").getString("event")))
        .findFirst().orElse(null);
    assertNotNull(closing, () -> "a closing notice before SockJS's 3000: " + c.frames());
    assertEquals(expected, closing.getJsonObject("data").getInteger("code"), c::frames);
  }

  @Test
  void queryTokenAuthenticatesTheSockJsSession() {
    String token = TestTokens.token("sally").tier("standard").scopes("md:quote").build();
    SockJsClient c = connect("?token=" + token, null);
    JsonObject data = c.welcome().getJsonObject("data");
    assertEquals("sockjs", data.getString("transport"), data::encode);
    JsonObject user = data.getJsonObject("user");
    assertNotNull(user, data::encode);
    assertEquals("sally", user.getString("id"), user::encode);
    assertEquals("standard", user.getString("tier"), user::encode);
    assertEquals("250ms", data.getJsonObject("limits").getString("minFreq"), data::encode);

    JsonObject reply = c.request("subscribe", subscribeArgs("quote:600519.SH", "trade:600519.SH"));
    assertEquals("result", reply.getString("type"), reply::encode);
    JsonObject result = reply.getJsonObject("data");
    assertEquals("quote:600519.SH", result.getJsonArray("subscribed").getJsonObject(0).getString("ch"), reply::encode);
    JsonObject rejected = result.getJsonArray("rejected").getJsonObject(0);
    assertEquals("trade:600519.SH", rejected.getString("ch"), reply::encode);
    assertEquals("FORBIDDEN", rejected.getString("code"), reply::encode);
    assertEquals("md:trade", rejected.getString("required"), reply::encode);
  }

  @Test
  void bearerHeaderAuthenticatesTheSockJsSession() {
    String token = TestTokens.token("sid").tier("pro").scope("md:quote md:trade").build();
    SockJsClient c = connect("", WsClient.bearer(token));
    JsonObject user = c.welcome().getJsonObject("data").getJsonObject("user");
    assertNotNull(user, c::frames);
    assertEquals("sid", user.getString("id"), user::encode);
    assertEquals(new JsonArray().add("md:quote").add("md:trade"), user.getJsonArray("scopes"), user::encode);
  }

  @Test
  void authOpAuthenticatesAfterAnAuthRequiredWelcome() {
    SockJsClient c = connect("", null);
    JsonObject data = c.welcome().getJsonObject("data");
    assertTrue(data.containsKey("user") && data.getValue("user") == null, data::encode);
    assertEquals(Boolean.TRUE, data.getBoolean("authRequired"), data::encode);

    JsonObject denied = c.request("subscribe", subscribeArgs("quote:600519.SH"));
    assertEquals("error", denied.getString("type"), denied::encode);
    assertEquals("UNAUTHORIZED", denied.getJsonObject("data").getString("code"), denied::encode);
    assertEquals("result", c.request("ping", null).getString("type"));

    JsonObject auth = c.request("auth", new JsonObject().put("token",
        TestTokens.token("sue").scopes("md:quote").build()));
    assertEquals("result", auth.getString("type"), auth::encode);
    assertEquals("sue", auth.getJsonObject("data").getJsonObject("user").getString("id"), auth::encode);
    JsonObject sub = c.request("subscribe", subscribeArgs("quote:600519.SH"));
    assertEquals("result", sub.getString("type"), sub::encode);
    assertEquals(1, sub.getJsonObject("data").getJsonArray("subscribed").size(), sub::encode);
    c.waitFor(m -> "quote:600519.SH".equals(m.getString("ch")));
    QuotecastServer.sleep(TestTokens.AUTH_TIMEOUT_MS + 500);
    assertFalse(c.isClosed(), "authenticated in time: not closed; frames " + c.frames());
  }

  @Test
  void invalidTokenAtConnectIsRefusedWith1008() {
    String wrong = TestTokens.token("sam").scopes("md:quote").secret("wrong").build();
    SockJsClient c = connect("?token=" + wrong, null);
    int code = c.awaitClose(WsClient.WAIT_MS);
    List<JsonObject> messages = c.messages();
    assertTrue(messages.stream().noneMatch(m -> "welcome".equals(m.getString("type"))), c::frames);
    assertTrue(messages.stream().anyMatch(m -> "error".equals(m.getString("type"))
        && "UNAUTHORIZED".equals(m.getJsonObject("data").getString("code"))), c::frames);
    assertFalse(c.frames().contains(wrong), "the token is not echoed");
    assertSockJsCloseCode(1008, code, c);
  }

  @Test
  void noTokenWithinAuthTimeoutCloses4001() {
    SockJsClient c = connect("", null);
    c.welcome();
    assertSockJsCloseCode(4001, c.awaitClose(TestTokens.AUTH_TIMEOUT_MS + WsClient.WAIT_MS), c);
  }
}
