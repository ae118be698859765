package io.quotecast.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.quotecast.common.ConfigKeys;
import io.quotecast.common.Settings;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Applies the log levels of the config to logback: {@code log.level} sets the root level, {@code log.levels} sets
 * per-logger overrides ({@code "io.quotecast.gateway=DEBUG,io.netty=WARN"}).
 * {@code logback.xml} sets the level used while booting (INFO, or {@code QUOTECAST_LOG_LEVEL}).
 */
public final class LogLevels {
  private static final String LEVEL_NAMES = "TRACE, DEBUG, INFO, WARN, ERROR, OFF";

  private LogLevels() {}

  /**
   * Checks {@code log.level} and {@code log.levels} without changing anything.
   *
   * @throws IllegalArgumentException naming the key and the offending value
   */
  public static void validate(Settings settings) {
    rootLevel(settings);
    overrides(settings);
  }

  /**
   * Sets the root level and the per-logger overrides. Everything is validated first, so a bad value changes nothing.
   * Does nothing (after validating) when SLF4J is not bound to logback.
   *
   * @throws IllegalArgumentException naming the key and the offending value
   */
  public static void apply(Settings settings) {
    Level root = rootLevel(settings);
    Map<String, Level> overrides = overrides(settings);
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      return;
    }
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(root);
    overrides.forEach((name, level) -> context.getLogger(name).setLevel(level));
  }

  private static Level rootLevel(Settings settings) {
    Object v = settings.get(ConfigKeys.LOG_LEVEL);
    if (v == null) {
      throw new IllegalArgumentException("config key " + ConfigKeys.LOG_LEVEL + " is missing");
    }
    Level level = parseLevel(v.toString());
    if (level == null) {
      throw new IllegalArgumentException("config key " + ConfigKeys.LOG_LEVEL + ": expected one of " + LEVEL_NAMES
          + ", got '" + v + "'");
    }
    return level;
  }

  /** Logger name to level, in the order given; empty when {@code log.levels} is missing or blank. */
  private static Map<String, Level> overrides(Settings settings) {
    Map<String, Level> out = new LinkedHashMap<>();
    Object v = settings.get(ConfigKeys.LOG_LEVELS);
    if (v == null) {
      return out;
    }
    for (String entry : v.toString().split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      if (eq < 0) {
        throw badEntry(entry.trim());
      }
      String name = entry.substring(0, eq).trim();
      Level level = parseLevel(entry.substring(eq + 1));
      if (name.isEmpty() || level == null) {
        throw badEntry(entry.trim());
      }
      out.put(name, level);
    }
    return out;
  }

  private static IllegalArgumentException badEntry(String entry) {
    return new IllegalArgumentException("config key " + ConfigKeys.LOG_LEVELS
        + ": expected comma-separated logger=LEVEL entries, LEVEL one of " + LEVEL_NAMES + ", got '" + entry + "'");
  }

  /** The level named (case-insensitive), or null: unlike {@link Level#toLevel(String)}, no silent DEBUG fallback. */
  private static Level parseLevel(String name) {
    return switch (name.trim().toUpperCase(Locale.ROOT)) {
      case "TRACE" -> Level.TRACE;
      case "DEBUG" -> Level.DEBUG;
      case "INFO" -> Level.INFO;
      case "WARN" -> Level.WARN;
      case "ERROR" -> Level.ERROR;
      case "OFF" -> Level.OFF;
      default -> null;
    };
  }
}
