package io.quotecast.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Command-line options of {@link LoadClient}. */
final class BenchOptions {
  String url = "ws://127.0.0.1:8080/ws";
  int connections = 1000;
  /** Distinct symbols per connection; each is subscribed once per type. 0: connect and subscribe to nothing. */
  int channels = 10;
  /** Channel types: quote, trade, kline:1m ... */
  List<String> types = List.of("quote");
  /** The --freq text: one freq, or a weighted mix such as realtime:3,1s:1 ({@link #freqs}). */
  String freq = "realtime";
  Mix freqs = Mix.parse(freq);
  int warmupSeconds = 10;
  int durationSeconds = 30;
  /** Comma list, or "auto" to ask the server's REST API. */
  String symbols = "auto";
  /** One symbol per line, or a listings CSV whose first column is ts_code (the header line is skipped). */
  String symbolsFile;
  int symbolLimit = 300;
  /** random (seeded, uniform), rr (round-robin) or zipf (seeded, skewed by {@link #assignSkew}). */
  String assign = "random";
  double assignSkew = 1.0;
  long seed = 42;
  String out = "results.json";
  int concurrentHandshakes = 200;
  List<String> localAddresses = List.of();
  long serverPid = -1;
  /** Operations base URL; default: same host as --url, port 9090. */
  String opsUrl;
  int eventLoops = Math.max(2, Runtime.getRuntime().availableProcessors());
  boolean compression;
  /** The --batch text: "off" (leave the URL as given), milliseconds, or a mix such as 50:1,off:1 ({@link #batches}). */
  String batch = "off";
  Mix batches = Mix.parse(batch);
  String token;
  int connectTimeoutMs = 10_000;
  int progressSeconds = 5;
  /** quotecast (PROTOCOL.md) or stomp (STOMP 1.2 over WebSocket, for the Spring peer: {@link StompConnection}). */
  String protocol = "quotecast";
  /** Multi-process runs: a directory where every party marks itself ready after its ramp ({@link StartBarrier}). */
  String syncDir;
  int syncParties = 1;
  String syncId = "gen-" + ProcessHandle.current().pid();
  int syncTimeoutSeconds = 600;

  static final String USAGE = String.join("\n",
      "usage: LoadClient [options]",
      "  --url URL                 ws://127.0.0.1:8080/ws (query parameters are kept)",
      "  --connections N           1000",
      "  --channels N              distinct symbols per connection (10); each is subscribed once per type;",
      "                            0 = connect and subscribe to nothing (idle connections)",
      "  --types LIST              quote | trade | kline:1m ... comma separated (quote)",
      "  --freq F|MIX              realtime | 100ms | 1s ..., or a weighted mix dealt over the connections,",
      "                            e.g. realtime:3,1s:1 (realtime)",
      "  --warmup S                seconds after the last handshake before measuring (10)",
      "  --duration S              measurement window in seconds (30)",
      "  --symbols LIST|auto       symbols, or auto = GET /api/v1/symbols?limit=N from the server (auto)",
      "  --symbols-file FILE       symbols from a file: one per line, or a listings CSV (first column ts_code)",
      "  --symbol-limit N          how many symbols auto asks for (300)",
      "  --assign random|rr|zipf   how symbols are dealt to connections: uniform random, round-robin, or skewed",
      "                            (rank r in the symbol list drawn with weight 1/r^skew) (random)",
      "  --assign-skew S           exponent of --assign zipf (1.0)",
      "  --seed N                  seed for random assignment (42)",
      "  --out FILE                JSON results file (results.json)",
      "  --handshakes N            concurrent WebSocket handshakes during the ramp (200)",
      "  --local-addresses LIST    source addresses to spread connections over, e.g. 127.0.0.1,127.0.0.2",
      "  --server-pid PID          sample the server's CPU and RSS from /proc",
      "  --ops-url URL             operations port base URL (http://<host of --url>:9090)",
      "  --event-loops N           client event loops (number of cores, at least 2)",
      "  --compression             offer permessage-deflate",
      "  --batch MS|off|MIX        add batch=MS to the connect URL; a mix deals it, e.g. 50:1,off:1 (off)",
      "  --token JWT               add token=JWT to the connect URL",
      "  --connect-timeout MS      10000",
      "  --progress S              progress line period in seconds (5; 0 = off)",
      "  --protocol P              quotecast | stomp (STOMP 1.2, SUBSCRIBE /topic/<type>.<symbol>) (quotecast)",
      "  --sync-dir DIR            multi-process runs: after the ramp write DIR/<sync-id>.ready and wait for",
      "  --sync-parties N          N ready files before the warm-up, so the windows line up (1)",
      "  --sync-id ID              this party's name (gen-<pid>)",
      "  --sync-timeout S          go on after S seconds even if parties are missing (600)");

  static BenchOptions parse(String[] args) {
    BenchOptions o = new BenchOptions();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String name = a;
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        name = a.substring(0, eq);
        value = a.substring(eq + 1);
      }
      switch (name) {
        case "-h", "--help" -> throw new IllegalArgumentException("");
        case "--compression" -> o.compression = true;
        default -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException("missing value for " + name);
            }
            value = args[++i];
          }
          o.set(name, value);
        }
      }
    }
    o.validate();
    return o;
  }

  private void set(String name, String v) {
    switch (name) {
      case "--url" -> url = v;
      case "--connections" -> connections = Integer.parseInt(v);
      case "--channels" -> channels = Integer.parseInt(v);
      case "--types" -> types = split(v);
      case "--freq" -> {
        freq = v;
        freqs = Mix.parse(v);
      }
      case "--warmup" -> warmupSeconds = Integer.parseInt(v);
      case "--duration" -> durationSeconds = Integer.parseInt(v);
      case "--symbols" -> symbols = v;
      case "--symbols-file" -> symbolsFile = v;
      case "--assign-skew" -> assignSkew = Double.parseDouble(v);
      case "--symbol-limit" -> symbolLimit = Integer.parseInt(v);
      case "--assign" -> assign = v;
      case "--seed" -> seed = Long.parseLong(v);
      case "--out" -> out = v;
      case "--handshakes" -> concurrentHandshakes = Integer.parseInt(v);
      case "--local-addresses" -> localAddresses = split(v);
      case "--server-pid" -> serverPid = Long.parseLong(v);
      case "--ops-url" -> opsUrl = v;
      case "--event-loops" -> eventLoops = Integer.parseInt(v);
      case "--batch" -> {
        batch = v;
        batches = Mix.parse(v);
      }
      case "--sync-dir" -> syncDir = v;
      case "--sync-parties" -> syncParties = Integer.parseInt(v);
      case "--sync-id" -> syncId = v;
      case "--sync-timeout" -> syncTimeoutSeconds = Integer.parseInt(v);
      case "--token" -> token = v;
      case "--connect-timeout" -> connectTimeoutMs = Integer.parseInt(v);
      case "--progress" -> progressSeconds = Integer.parseInt(v);
      case "--protocol" -> protocol = v;
      default -> throw new IllegalArgumentException("unknown option " + name);
    }
  }

  private void validate() {
    if (connections < 1 || channels < 0 || durationSeconds < 1 || warmupSeconds < 0 || concurrentHandshakes < 1) {
      throw new IllegalArgumentException("connections, duration and handshakes must be positive, channels >= 0");
    }
    if (!assign.equals("random") && !assign.equals("rr") && !assign.equals("zipf")) {
      throw new IllegalArgumentException("--assign must be random, rr or zipf");
    }
    if (!(assignSkew >= 0)) {
      throw new IllegalArgumentException("--assign-skew must be >= 0");
    }
    for (String b : batches.values()) {
      if (!b.equals("off") && !b.matches("\\d+")) {
        throw new IllegalArgumentException("--batch values are milliseconds or off, not " + b);
      }
    }
    if (syncParties < 1 || syncTimeoutSeconds < 1) {
      throw new IllegalArgumentException("--sync-parties and --sync-timeout must be positive");
    }
    if (types.isEmpty()) {
      throw new IllegalArgumentException("--types is empty");
    }
    for (String t : types) {
      if (!t.equals("quote") && !t.equals("trade") && !t.startsWith("kline:")) {
        throw new IllegalArgumentException("unknown type " + t + " (quote, trade, kline:<interval>)");
      }
    }
    if (!protocol.equals("quotecast") && !protocol.equals("stomp")) {
      throw new IllegalArgumentException("--protocol must be quotecast or stomp");
    }
    URI u = URI.create(url);
    if (!"ws".equals(u.getScheme()) && !"wss".equals(u.getScheme())) {
      throw new IllegalArgumentException("--url must be ws:// or wss://");
    }
  }

  boolean stomp() {
    return protocol.equals("stomp");
  }

  URI uri() {
    return URI.create(url);
  }

  /** Path and query for the handshake with the first --batch value (see {@link #requestUri(String)}). */
  String requestUri() {
    return requestUri(batches.values().get(0));
  }

  /** Path and query for the handshake, with the bench's own query parameters added; batch is ms or "off". */
  String requestUri(String batchMs) {
    URI u = uri();
    String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
    List<String> q = new ArrayList<>();
    if (u.getRawQuery() != null && !u.getRawQuery().isEmpty()) {
      q.addAll(Arrays.asList(u.getRawQuery().split("&")));
    }
    if (q.stream().noneMatch(p -> p.startsWith("client="))) {
      q.add("client=quotecast-bench");
    }
    if (!"off".equals(batchMs)) {
      q.add("batch=" + batchMs);
    }
    if (token != null) {
      q.add("token=" + token);
    }
    return path + "?" + String.join("&", q);
  }

  int port() {
    URI u = uri();
    return u.getPort() > 0 ? u.getPort() : "wss".equals(u.getScheme()) ? 443 : 80;
  }

  String host() {
    return uri().getHost();
  }

  boolean ssl() {
    return "wss".equals(uri().getScheme());
  }

  String opsBase() {
    return opsUrl != null ? opsUrl : "http://" + host() + ":9090";
  }

  /** The REST base URL derived from --url (same host and port, http). */
  String restBase() {
    return (ssl() ? "https://" : "http://") + host() + ":" + port();
  }

  static List<String> split(String v) {
    List<String> r = new ArrayList<>();
    for (String s : v.split(",")) {
      if (!s.isBlank()) {
        r.add(s.trim());
      }
    }
    return r;
  }
}
