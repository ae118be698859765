package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The gateway's real log lines, through the JSON encoder the app uses: a line about a connection carries its
 * connectionId and user, a line about a request its requestId, and no token ever appears.
 */
class ConnectionLogTest {
  private static final String GATEWAY_LOGGER = "io.quotecast.gateway";
  static QuotecastServer server;
  static final ByteArrayOutputStream out = new ByteArrayOutputStream();
  static OutputStreamAppender<ILoggingEvent> appender;
  static Level savedLevel;

  @BeforeAll
  static void start() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(ctx);
    encoder.start();
    appender = new OutputStreamAppender<>();
    appender.setContext(ctx);
    appender.setEncoder(encoder);
    appender.setOutputStream(out);
    appender.start();
    Logger logger = ctx.getLogger(GATEWAY_LOGGER);
    savedLevel = logger.getLevel();
    logger.setLevel(Level.INFO);
    logger.addAppender(appender);
    server = QuotecastServer.start(config -> TestTokens.configure(config, false, false));
  }

  @AfterAll
  static void stop() {
    Logger logger = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(GATEWAY_LOGGER);
    logger.detachAppender(appender);
    logger.setLevel(savedLevel);
    if (server != null) {
      server.close();
    }
  }

  private static List<JsonObject> lines() {
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8).lines().map(JsonObject::new).toList();
    }
  }

  private static JsonObject line(Predicate<JsonObject> p) {
    QuotecastServer.poll(() -> lines().stream().anyMatch(p), 5000);
    return lines().stream().filter(p).findFirst().orElse(null);
  }

  @Test
  void connectionAndRequestLinesCarryTheirIdsAndNeverTheToken() {
    String token = TestTokens.token("alice").scopes("md:quote").build();
    String badToken = TestTokens.token("alice").secret("not-the-secret-not-the-secret-00").build();
    String connectionId;
    try (WsClient c = WsClient.open(server.vertx, server.port, "/ws?token=" + token)) {
      connectionId = c.welcome().getJsonObject("data").getString("connectionId");
      c.sendRaw(new JsonObject().put("op", "auth").put("id", "r-bad")
          .put("args", new JsonObject().put("token", badToken)).encode());
      JsonObject refused = c.reply("r-bad");
      assertEquals("UNAUTHORIZED", refused.getJsonObject("data").getString("code"));
    }

    JsonObject userLine = line(l -> l.getString("message", "").startsWith("user alice")
        && connectionId.equals(l.getString("connectionId")));
    assertNotNull(userLine, "a JSON line about the connection's user: " + lines());
    assertEquals("alice", userLine.getString("user"));
    assertEquals("INFO", userLine.getString("level"));

    JsonObject refusedLine = line(l -> l.getString("message", "").startsWith("auth refused"));
    assertNotNull(refusedLine, "a JSON line about the refused auth request: " + lines());
    assertEquals(connectionId, refusedLine.getString("connectionId"));
    assertEquals("r-bad", refusedLine.getString("requestId"));
    assertEquals("alice", refusedLine.getString("user"));

    String all;
    synchronized (out) {
      all = out.toString(StandardCharsets.UTF_8);
    }
    assertFalse(all.contains(token) || all.contains(badToken), "tokens are never logged");
  }
}
