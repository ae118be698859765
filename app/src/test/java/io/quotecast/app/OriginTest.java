package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Browser {@code Origin} checks on {@code /ws} and {@code /sockjs} (gateway.allowedOrigins): a foreign origin is
 * refused with HTTP 403 before any upgrade; the page's own origin (same as {@code Host}), listed origins and requests
 * without {@code Origin} (non-browser clients) are accepted; {@code "*"} accepts any origin.
 */
class OriginTest {
  static final String ALLOWED = "http://allowed.example";
  static final String ALLOWED_2 = "https://app.example.com";
  static final String EVIL = "http://evil.example";

  static QuotecastServer server;

  @BeforeAll
  static void start() {
    server = QuotecastServer.start(config -> {
      TestTokens.configure(config, true, false);
      config.getJsonObject("gateway").put("allowedOrigins", ALLOWED + "," + ALLOWED_2);
    });
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static int handshake(QuotecastServer node, String uri, String origin) {
    return WsClient.handshakeStatus(node.vertx, node.port, uri, origin == null ? null : WsClient.origin(origin));
  }

  static HttpResponse<Buffer> sockJsInfo(QuotecastServer node, String origin) {
    var request = node.http.get("/sockjs/info");
    if (origin != null) {
      request.putHeader("Origin", origin);
    }
    return QuotecastServer.await(request.send(), QuotecastServer.TIMEOUT_S);
  }

  static String sameOrigin(QuotecastServer node) {
    return "http://127.0.0.1:" + node.port;
  }

  @Test
  void foreignOriginIsRefusedWith403() {
    long opened = server.counters().connectionsTotal.get();
    assertEquals(403, handshake(server, "/ws", EVIL));
    assertEquals(403, handshake(server, "/ws", "http://127.0.0.1:1"), "same host, other port: another origin");
    assertEquals(403, handshake(server, "/ws", "http://allowed.example.evil.example"), "not a prefix match");
    assertEquals(403, handshake(server, "/ws", "null"), "an opaque origin is not allowed");
    assertEquals(403, handshake(server, "/ws?token=" + TestTokens.token("zed").scopes("md:quote").build(), EVIL),
        "a valid token does not make a foreign origin acceptable");
    assertEquals(opened, server.counters().connectionsTotal.get(), "refused handshakes open no connection");
  }

  @Test
  void sameOriginIsAccepted() {
    assertEquals(101, handshake(server, "/ws", sameOrigin(server)));
    try (WsClient c = WsClient.open(server.vertx, server.port, "/ws", WsClient.origin(sameOrigin(server)))) {
      assertEquals("result", c.request("ping").getString("type"));
    }
  }

  @Test
  void listedOriginsAreAccepted() {
    assertEquals(101, handshake(server, "/ws", ALLOWED));
    assertEquals(101, handshake(server, "/ws", ALLOWED_2));
    try (WsClient c = WsClient.open(server.vertx, server.port, "/ws", WsClient.origin(ALLOWED_2))) {
      JsonObject welcome = c.welcome();
      assertEquals(1, welcome.getJsonObject("data").getInteger("protocol"), welcome::encode);
      assertEquals("result", c.request("ping").getString("type"));
    }
  }

  @Test
  void noOriginIsAccepted() {
    assertEquals(101, handshake(server, "/ws", null));
    try (WsClient c = WsClient.open(server.vertx, server.port, "/ws", MultiMap.caseInsensitiveMultiMap())) {
      assertEquals("result", c.request("ping").getString("type"));
    }
  }

  @Test
  void sockJsChecksTheOriginToo() {
    HttpResponse<Buffer> evil = sockJsInfo(server, EVIL);
    assertEquals(403, evil.statusCode(), evil::bodyAsString);
    assertEquals(403, handshake(server, "/sockjs/000/abcd1234/websocket", EVIL),
        "SockJS's WebSocket transport with a foreign origin");
    assertEquals(403, handshake(server, "/sockjs/websocket", EVIL), "SockJS's raw WebSocket with a foreign origin");

    HttpResponse<Buffer> listed = sockJsInfo(server, ALLOWED);
    assertEquals(200, listed.statusCode(), listed::bodyAsString);
    assertTrue(listed.bodyAsJsonObject().containsKey("websocket"), listed::bodyAsString);
    assertEquals(200, sockJsInfo(server, sameOrigin(server)).statusCode());
    assertEquals(200, sockJsInfo(server, null).statusCode());
    assertEquals(101, handshake(server, "/sockjs/000/abcd5678/websocket", ALLOWED));
  }

  /**
   * JSONP and htmlfile sessions are script/iframe GETs that browsers send without Origin, so they would slip past the
   * check: those transports are off. The xhr transports, which carry Origin, still work.
   */
  @Test
  void transportsWithoutOriginAreOff() {
    for (String transport : new String[] {"jsonp?c=cb", "htmlfile?c=cb"}) {
      HttpResponse<Buffer> r = QuotecastServer.await(
          server.http.get("/sockjs/000/nohdr001/" + transport).send(), QuotecastServer.TIMEOUT_S);
      assertTrue(r.statusCode() >= 400, () -> transport + " answered " + r.statusCode() + ": " + r.bodyAsString());
    }
    HttpResponse<Buffer> xhr = QuotecastServer.await(
        server.http.post("/sockjs/000/nohdr002/xhr").putHeader("Origin", sameOrigin(server)).send(),
        QuotecastServer.TIMEOUT_S);
    assertEquals(200, xhr.statusCode(), xhr::bodyAsString);
    assertTrue(xhr.bodyAsString().startsWith("o"), "an xhr session opens: " + xhr.bodyAsString());
  }

  /** gateway.allowedOrigins = "*": any origin. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class AnyOrigin {
    QuotecastServer any;

    @BeforeAll
    void startAny() {
      any = QuotecastServer.start(config -> {
        TestTokens.configure(config, true, false);
        config.getJsonObject("gateway").put("allowedOrigins", "*");
      });
    }

    @AfterAll
    void stopAny() {
      if (any != null) {
        any.close();
      }
    }

    @Test
    void starAcceptsAnyOrigin() {
      assertEquals(101, handshake(any, "/ws", EVIL));
      assertEquals(101, handshake(any, "/ws", null));
      assertEquals(200, sockJsInfo(any, EVIL).statusCode());
      try (WsClient c = WsClient.open(any.vertx, any.port, "/ws", WsClient.origin(EVIL))) {
        assertEquals("result", c.request("ping").getString("type"));
      }
    }
  }
}
