package io.quotecast.gateway;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * Log lines about one connection (and optionally one of its requests). Each line carries {@code connectionId},
 * {@code user} and {@code requestId} as MDC fields, which the JSON log layout prints as top-level fields. The MDC is
 * set for the one call and restored after, because a session's work runs in callbacks on a shared event loop where a
 * long-lived MDC would leak into other connections' lines.
 */
final class ConnectionLog {
  static final String CONNECTION_ID = "connectionId";
  static final String USER = "user";
  static final String REQUEST_ID = "requestId";

  private final Logger log;
  private final Session session;

  ConnectionLog(Logger log, Session session) {
    this.log = log;
    this.session = session;
  }

  void debug(String format, Object... args) {
    log(Level.DEBUG, null, format, args);
  }

  void info(String format, Object... args) {
    log(Level.INFO, null, format, args);
  }

  void warn(String format, Object... args) {
    log(Level.WARN, null, format, args);
  }

  /** A line about one request: also carries its {@code requestId}. */
  void request(Level level, String requestId, String format, Object... args) {
    log(level, requestId, format, args);
  }

  private void log(Level level, String requestId, String format, Object... args) {
    if (!log.isEnabledForLevel(level)) {
      return;
    }
    Map<String, String> previous = MDC.getCopyOfContextMap();
    try {
      MDC.put(CONNECTION_ID, session.id);
      MDC.put(USER, session.userId());
      if (requestId != null) {
        MDC.put(REQUEST_ID, requestId);
      }
      org.slf4j.spi.LoggingEventBuilder line = log.atLevel(level);
      if (args.length > 0 && args[args.length - 1] instanceof Throwable cause) {
        line = line.setCause(cause);
        args = java.util.Arrays.copyOf(args, args.length - 1);
      }
      line.log(format, args);
    } finally {
      if (previous == null) {
        MDC.clear();
      } else {
        MDC.setContextMap(previous);
      }
    }
  }
}
