package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.status.Status;
import io.quotecast.common.Settings;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Log lines are JSON objects, one per line, carrying the MDC (connectionId, user, requestId); levels from config. */
class JsonLogTest {
  private static final String TEST_LOGGER = "io.quotecast.test.jsonlog";

  private final Map<String, Level> savedLevels = new HashMap<>();

  @AfterEach
  void restore() {
    MDC.clear();
    LoggerContext ctx = context();
    savedLevels.forEach((name, level) -> ctx.getLogger(name).setLevel(level));
    savedLevels.clear();
  }

  private static LoggerContext context() {
    return (LoggerContext) LoggerFactory.getILoggerFactory();
  }

  private void save(String... loggers) {
    for (String name : loggers) {
      savedLevels.put(name, context().getLogger(name).getLevel());
    }
  }

  // ---- JSON lines

  @Test
  void aLogLineIsOneJsonObjectWithConnectionIdAndUser() {
    LoggerContext ctx = context();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(ctx);
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(ctx);
    appender.setEncoder(encoder);
    appender.setOutputStream(out);
    appender.start();
    Logger logger = ctx.getLogger(TEST_LOGGER);
    save(TEST_LOGGER);
    logger.setLevel(Level.INFO);
    logger.setAdditive(false);
    logger.addAppender(appender);
    try {
      MDC.put("connectionId", "c-test");
      MDC.put("user", "u1");
      logger.info("connection opened from {}", "127.0.0.1");
      MDC.put("requestId", "r-7");
      logger.warn("request rejected", new IllegalStateException("boom"));
      MDC.clear();
      logger.info("no context");
    } finally {
      logger.detachAppender(appender);
      logger.setAdditive(true);
      appender.stop();
    }

    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.endsWith("\n"), text);
    String[] lines = text.split("\n");
    assertEquals(3, lines.length, "one line per event, stack trace included: " + text);
    List<JsonObject> events = new ArrayList<>();
    for (String line : lines) {
      events.add(new JsonObject(line)); // each line is a complete JSON object
    }

    JsonObject first = events.get(0);
    assertEquals("connection opened from 127.0.0.1", first.getString("message"));
    assertEquals("INFO", first.getString("level"));
    assertEquals(TEST_LOGGER, first.getString("logger_name"));
    assertNotNull(first.getString("@timestamp"));
    assertNotNull(first.getString("thread_name"));
    assertEquals("c-test", first.getString("connectionId"));
    assertEquals("u1", first.getString("user"));
    assertNull(first.getValue("requestId"));

    JsonObject second = events.get(1);
    assertEquals("WARN", second.getString("level"));
    assertEquals("c-test", second.getString("connectionId"));
    assertEquals("u1", second.getString("user"));
    assertEquals("r-7", second.getString("requestId"));
    assertTrue(second.getString("stack_trace").contains("IllegalStateException: boom"));

    JsonObject third = events.get(2);
    assertNull(third.getValue("connectionId"));
    assertNull(third.getValue("user"));
  }

  @Test
  void theAppsLogbackXmlWritesJsonToStdout() throws Exception {
    // Tests run with logback-test.xml, so configure a separate context from the app's logback.xml.
    LoggerContext ctx = configureFromAppLogbackXml(null);
    try {
      Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
      root.iteratorForAppenders().forEachRemaining(appenders::add);
      assertEquals(1, appenders.size(), "root appenders: " + appenders);
      ConsoleAppender<ILoggingEvent> console = assertInstanceOf(ConsoleAppender.class, appenders.get(0));
      assertEquals("System.out", console.getTarget());
      LogstashEncoder encoder = assertInstanceOf(LogstashEncoder.class, console.getEncoder());

      String envLevel = System.getenv("QUOTECAST_LOG_LEVEL");
      if (envLevel == null) {
        assertEquals(Level.INFO, root.getLevel());
      }
      assertEquals(Level.WARN, ctx.getLogger("io.netty").getLevel());
      assertEquals(Level.WARN, ctx.getLogger("com.hazelcast").getLevel());
      assertEquals(Level.ERROR, ctx.getLogger("io.vertx.core.eventbus.impl.MessageConsumerImpl").getLevel());

      // What that encoder prints for an event with connection and request context
      MDC.put("connectionId", "c-42");
      MDC.put("user", "alice");
      MDC.put("requestId", "r-1");
      Logger logger = ctx.getLogger("io.quotecast.gateway.Example");
      LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.INFO, "subscribed {}",
          null, new Object[] {"quote.600000.SH"});
      String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
      assertTrue(line.endsWith("\n"));
      assertEquals(1, line.split("\n").length);
      JsonObject json = new JsonObject(line);
      assertEquals("subscribed quote.600000.SH", json.getString("message"));
      assertEquals("INFO", json.getString("level"));
      assertEquals("io.quotecast.gateway.Example", json.getString("logger_name"));
      assertEquals("c-42", json.getString("connectionId"));
      assertEquals("alice", json.getString("user"));
      assertEquals("r-1", json.getString("requestId"));
      assertFalse(json.containsKey("@version"));
      assertFalse(json.containsKey("level_value"));
    } finally {
      ctx.stop();
    }
  }

  @Test
  void quotecastLogLevelStillSetsTheBootLevel() throws Exception {
    LoggerContext ctx = configureFromAppLogbackXml("DEBUG");
    try {
      assertEquals(Level.DEBUG, ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel());
    } finally {
      ctx.stop();
    }
  }

  @Test
  void testLogsAreJsonToo() {
    Logger root = context().getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Appender<ILoggingEvent> stdout = root.getAppender("STDOUT");
    ConsoleAppender<ILoggingEvent> console = assertInstanceOf(ConsoleAppender.class, stdout);
    assertInstanceOf(LogstashEncoder.class, console.getEncoder());
  }

  /** A fresh context configured from the app's logback.xml; {@code bootLevel} stands in for QUOTECAST_LOG_LEVEL. */
  private static LoggerContext configureFromAppLogbackXml(String bootLevel) throws Exception {
    URL xml = JsonLogTest.class.getClassLoader().getResource("logback.xml");
    assertNotNull(xml, "logback.xml on the app classpath");
    assertTrue(xml.toString().contains("/classes/"), "the app's own logback.xml, not a dependency's: " + xml);
    LoggerContext ctx = new LoggerContext();
    ctx.setName("app-logback-xml");
    ctx.setMDCAdapter(MDC.getMDCAdapter());
    if (bootLevel != null) {
      ctx.putProperty("QUOTECAST_LOG_LEVEL", bootLevel);
    }
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(ctx);
    configurator.doConfigure(xml);
    List<Status> problems = ctx.getStatusManager().getCopyOfStatusList().stream()
        .filter(s -> s.getLevel() >= Status.WARN).toList();
    assertTrue(problems.isEmpty(), "logback.xml problems: " + problems);
    return ctx;
  }

  // ---- LogLevels

  private static Settings logSettings(Object level, Object levels) {
    JsonObject log = new JsonObject().put("level", level);
    if (levels != null) {
      log.put("levels", levels);
    }
    return new Settings(new JsonObject().put("log", log));
  }

  @Test
  void applySetsRootLevelAndPerLoggerOverrides() {
    String a = "io.quotecast.test.levels.a";
    String b = "io.quotecast.test.levels.b";
    save(org.slf4j.Logger.ROOT_LOGGER_NAME, a, b);
    LogLevels.apply(logSettings("debug", " io.quotecast.test.levels.a=TRACE, io.quotecast.test.levels.b = off ,"));
    LoggerContext ctx = context();
    assertEquals(Level.DEBUG, ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel());
    assertEquals(Level.TRACE, ctx.getLogger(a).getLevel());
    assertEquals(Level.OFF, ctx.getLogger(b).getLevel());
    assertTrue(LoggerFactory.getLogger(a + ".Child").isTraceEnabled());
    assertFalse(LoggerFactory.getLogger(b + ".Child").isErrorEnabled());
  }

  @Test
  void applyAcceptsASingleOverrideAndBlankOverrides() {
    String a = "io.quotecast.test.levels.single";
    save(org.slf4j.Logger.ROOT_LOGGER_NAME, a);
    LogLevels.apply(logSettings("WARN", a + "=ERROR"));
    assertEquals(Level.WARN, context().getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel());
    assertEquals(Level.ERROR, context().getLogger(a).getLevel());
    LogLevels.apply(logSettings("INFO", ""));
    LogLevels.apply(logSettings("INFO", null));
    assertEquals(Level.INFO, context().getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel());
  }

  @Test
  void validateRejectsABadRootLevelNamingTheKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LogLevels.validate(logSettings("x", "")));
    assertEquals("config key log.level: expected one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, got 'x'",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LogLevels.validate(logSettings("verbose", "")));
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> LogLevels.validate(new Settings(new JsonObject())));
    assertTrue(missing.getMessage().contains("log.level"), missing.getMessage());
  }

  @Test
  void validateRejectsMalformedOverridesNamingTheKey() {
    for (String bad : List.of("io.netty", "io.netty=LOUD", "=DEBUG", "io.netty=", "io.quotecast=INFO,io.netty")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> LogLevels.validate(logSettings("INFO", bad)), bad);
      assertTrue(e.getMessage().startsWith("config key log.levels: expected comma-separated logger=LEVEL"),
          e.getMessage());
      assertTrue(e.getMessage().contains("TRACE, DEBUG, INFO, WARN, ERROR, OFF"), e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LogLevels.validate(logSettings("INFO", "io.netty=LOUD")));
    assertTrue(e.getMessage().endsWith("got 'io.netty=LOUD'"), e.getMessage());
  }

  @Test
  void aRejectedConfigChangesNothing() {
    String a = "io.quotecast.test.levels.untouched";
    save(org.slf4j.Logger.ROOT_LOGGER_NAME, a);
    Level rootBefore = context().getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel();
    assertThrows(IllegalArgumentException.class,
        () -> LogLevels.apply(logSettings("DEBUG", "io.quotecast.test.levels.untouched=TRACE,bad")));
    assertEquals(rootBefore, context().getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel());
    assertNull(context().getLogger(a).getLevel());
  }
}
