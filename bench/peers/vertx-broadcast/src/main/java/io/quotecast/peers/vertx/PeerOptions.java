package io.quotecast.peers.vertx;

import java.nio.file.Path;

/** Command line of {@link BroadcastServer}. */
final class PeerOptions {
  int port = 8080;
  Path listings = Path.of("common/src/main/resources/listings/a-shares.csv");
  double updatesPerSecond = 2000;
  double skew = 0;
  long seed = 42;
  long tickMs = 10;
  /** WebSocket server instances, one per event loop, as Quotecast's gateway.instances = 0. */
  int instances = Runtime.getRuntime().availableProcessors();
  /** Netty's FlushConsolidationHandler per connection, as Quotecast's gateway.coalesceFlushes (off: bare Vert.x). */
  boolean coalesceFlushes;

  static final String USAGE = String.join("\n",
      "usage: java -jar peer-vertx-broadcast.jar [options]",
      "  --port N          WebSocket port, path /ws (8080)",
      "  --listings FILE   Tushare stock_basic CSV (common/src/main/resources/listings/a-shares.csv)",
      "  --updates N       quote updates per second over the whole universe (2000)",
      "  --skew X          Zipf exponent of activity across symbols, 0 = uniform (0)",
      "  --seed N          generator seed (42)",
      "  --tick-ms N       generator tick (10)",
      "  --instances N     server instances = event loops serving sockets (number of cores)",
      "  --coalesce-flushes true|false  one socket write per connection per event-loop turn, as Quotecast's",
      "                    gateway.coalesceFlushes (false: every message flushed on its own, plain Vert.x)");

  static PeerOptions parse(String[] args) {
    PeerOptions o = new PeerOptions();
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (name.equals("-h") || name.equals("--help")) {
        throw new IllegalArgumentException("");
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value for " + name);
      }
      String v = args[++i];
      switch (name) {
        case "--port" -> o.port = Integer.parseInt(v);
        case "--listings" -> o.listings = Path.of(v);
        case "--updates" -> o.updatesPerSecond = Double.parseDouble(v);
        case "--skew" -> o.skew = Double.parseDouble(v);
        case "--seed" -> o.seed = Long.parseLong(v);
        case "--tick-ms" -> o.tickMs = Long.parseLong(v);
        case "--instances" -> o.instances = Integer.parseInt(v);
        case "--coalesce-flushes" -> {
          if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("--coalesce-flushes must be true or false");
          }
          o.coalesceFlushes = Boolean.parseBoolean(v);
        }
        default -> throw new IllegalArgumentException("unknown option " + name);
      }
    }
    if (o.updatesPerSecond < 0 || o.skew < 0 || o.tickMs < 1 || o.instances < 1) {
      throw new IllegalArgumentException("updates and skew must be >= 0, tick-ms and instances >= 1");
    }
    return o;
  }
}
