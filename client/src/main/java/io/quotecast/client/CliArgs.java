package io.quotecast.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * The parsed command line of {@link QuotecastCli}. Pure: no I/O, so it is unit-tested on its own.
 *
 * @param command {@code subscribe}, {@code ping}, {@code diag} or {@code trace}
 * @param url the WebSocket URL (ws:// or wss://; http(s):// is accepted and converted); for {@code trace} the
 *     operations port's http(s):// URL
 * @param channels channel keys to subscribe to (subscribe only)
 * @param freq requested freq, or null for the server default (realtime)
 * @param count subscribe: stop after this many channel messages (0 = until Ctrl-C); ping: number of pings; diag:
 *     channel messages to sample
 * @param token a JWT to pass as the {@code token} query parameter (for {@code trace}: as {@code Authorization: Bearer}),
 *     or null
 * @param trace what {@code trace} watches; null for the other commands
 */
public record CliArgs(String command, URI url, List<String> channels, String freq, int count, String token,
                      TraceTarget trace) {

  /**
   * What a trace watches and for how long.
   *
   * @param field {@code connectionId}, {@code user} or {@code symbol}, as {@code POST /admin/traces} names it
   * @param value the connection id, user id or symbol
   */
  public record TraceTarget(String field, String value, int seconds) {
  }

  public static final int DEFAULT_PINGS = 5;
  public static final int DEFAULT_DIAG_MESSAGES = 200;
  public static final String DEFAULT_DIAG_CHANNEL = "quote:600519.SH";
  public static final int DEFAULT_TRACE_SECONDS = 60;
  public static final int MAX_TRACE_SECONDS = 300;

  public static final String USAGE = String.join("\n",
      "usage:",
      "  quotecast-cli subscribe URL CHANNEL... [--freq F] [--count N] [--token JWT]",
      "      print the welcome, subscribe, and print every message as one JSON line until Ctrl-C",
      "      or until N channel messages (snapshots included) have arrived",
      "  quotecast-cli ping URL [--count N] [--token JWT]",
      "      print the welcome and the round-trip time of N (5) ping requests",
      "  quotecast-cli diag URL [CHANNEL...] [--count N] [--token JWT]",
      "      diagnose a connection: handshake time, welcome, ping RTT, a subscribe round trip, then N (200)",
      "      channel messages (default channel quote:600519.SH): per-message latency and seq gaps",
      "  quotecast-cli trace OPS_URL (--connection ID | --user U | --symbol S) [--seconds N] --token JWT",
      "      trace the messages of a connection, a user or a symbol for N (60, at most 300) seconds on every",
      "      gateway and print its events as JSON lines until it ends (the token needs the admin scope)",
      "",
      "  URL       e.g. ws://127.0.0.1:8080/ws",
      "  OPS_URL   the operations port, e.g. http://127.0.0.1:9090",
      "  CHANNEL   quote:600519.SH, trade:000001.SZ, kline:1m:600519.SH",
      "  F         realtime, 100ms, 250ms, 500ms, 1s, 3s, 5s, 10s, 1m");

  /** A command line that cannot be run; the message says why. */
  public static final class UsageException extends Exception {
    public UsageException(String message) {
      super(message);
    }
  }

  public static CliArgs parse(String... args) throws UsageException {
    if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
      throw new UsageException("");
    }
    String command = args[0];
    if (!List.of("subscribe", "ping", "diag", "trace").contains(command)) {
      throw new UsageException("unknown command '" + command + "' (subscribe, ping, diag, trace)");
    }
    boolean tracing = command.equals("trace");
    List<String> positional = new ArrayList<>();
    String freq = null;
    Integer count = null;
    String token = null;
    List<String[]> targets = new ArrayList<>();
    Integer seconds = null;
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      String name = a;
      String value = null;
      if (a.startsWith("--") && a.contains("=")) {
        name = a.substring(0, a.indexOf('='));
        value = a.substring(a.indexOf('=') + 1);
      }
      if (!name.startsWith("--")) {
        positional.add(a);
        continue;
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException("missing value for " + name);
        }
        value = args[++i];
      }
      switch (name) {
        case "--freq" -> {
          if (!command.equals("subscribe")) {
            throw new UsageException("--freq applies to subscribe only");
          }
          freq = value;
        }
        case "--connection", "--user", "--symbol" -> {
          if (!tracing) {
            throw new UsageException(name + " applies to trace only");
          }
          targets.add(new String[] {name.equals("--connection") ? "connectionId" : name.substring(2), value});
        }
        case "--seconds" -> {
          if (!tracing) {
            throw new UsageException("--seconds applies to trace only");
          }
          try {
            seconds = Integer.parseInt(value);
          } catch (NumberFormatException e) {
            throw new UsageException("--seconds must be a number: " + value);
          }
          if (seconds < 1 || seconds > MAX_TRACE_SECONDS) {
            throw new UsageException("--seconds must be from 1 to " + MAX_TRACE_SECONDS);
          }
        }
        case "--count" -> {
          if (tracing) {
            throw new UsageException("--count does not apply to trace (use --seconds)");
          }
          try {
            count = Integer.parseInt(value);
          } catch (NumberFormatException e) {
            throw new UsageException("--count must be a number: " + value);
          }
          boolean positive = !command.equals("subscribe");
          if (count < 0 || (count == 0 && positive)) {
            throw new UsageException("--count must be " + (positive ? "positive" : "0 or more"));
          }
        }
        case "--token" -> token = value;
        default -> throw new UsageException("unknown option " + name);
      }
    }
    if (positional.isEmpty()) {
      throw new UsageException("missing URL");
    }
    if (tracing) {
      return trace(positional, token, targets, seconds);
    }
    URI url = parseUrl(positional.get(0));
    List<String> channels = List.copyOf(positional.subList(1, positional.size()));
    if (command.equals("diag") && channels.isEmpty()) {
      channels = List.of(DEFAULT_DIAG_CHANNEL);
    }
    if (command.equals("subscribe") && channels.isEmpty()) {
      throw new UsageException("subscribe needs at least one CHANNEL");
    }
    if (command.equals("ping") && !channels.isEmpty()) {
      throw new UsageException("ping takes only a URL, got " + channels);
    }
    for (String ch : channels) {
      if (!ch.matches("[A-Za-z]+:.+")) {
        throw new UsageException("not a channel key: " + ch + " (e.g. quote:600519.SH)");
      }
    }
    int n = count != null ? count : command.equals("ping") ? DEFAULT_PINGS
        : command.equals("diag") ? DEFAULT_DIAG_MESSAGES : 0;
    return new CliArgs(command, url, channels, freq, n, token, null);
  }

  private static CliArgs trace(List<String> positional, String token, List<String[]> targets, Integer seconds)
      throws UsageException {
    if (positional.size() > 1) {
      throw new UsageException("trace takes only the operations URL, got " + positional.subList(1, positional.size()));
    }
    if (targets.size() != 1) {
      throw new UsageException("trace needs exactly one of --connection ID, --user U or --symbol S");
    }
    if (token == null || token.isBlank()) {
      throw new UsageException("trace needs --token: a token with the admin scope");
    }
    URI url = parseOpsUrl(positional.get(0));
    String[] target = targets.get(0);
    return new CliArgs("trace", url, List.of(), null, 0, token,
        new TraceTarget(target[0], target[1], seconds == null ? DEFAULT_TRACE_SECONDS : seconds));
  }

  /** The operations port's URL: http(s)://host:port, with an optional base path (no trailing slash). */
  static URI parseOpsUrl(String s) throws UsageException {
    URI u = parse(s);
    String scheme = scheme(u);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new UsageException("OPS_URL must start with http:// or https:// (the operations port): " + s);
    }
    return rebuild(s, u, scheme, u.getRawPath() == null ? "" : u.getRawPath().replaceAll("/+$", ""), null);
  }

  /** For {@code trace}: the path of an operations route under the URL's base path. */
  public String opsPath(String route) {
    return url.getRawPath() + route;
  }

  static URI parseUrl(String s) throws UsageException {
    URI u = parse(s);
    String wsScheme = switch (scheme(u)) {
      case "ws", "http" -> "ws";
      case "wss", "https" -> "wss";
      default -> throw new UsageException("URL must start with ws://, wss://, http:// or https://: " + s);
    };
    return rebuild(s, u, wsScheme, u.getRawPath() == null || u.getRawPath().isEmpty() ? "/ws" : u.getPath(),
        u.getQuery());
  }

  private static URI parse(String s) throws UsageException {
    try {
      return new URI(s);
    } catch (URISyntaxException e) {
      throw new UsageException("bad URL " + s + ": " + e.getMessage());
    }
  }

  private static String scheme(URI u) {
    return u.getScheme() == null ? "" : u.getScheme().toLowerCase();
  }

  /** {@code u} with {@code scheme}, {@code path} and {@code query}; it must have a host. */
  private static URI rebuild(String s, URI u, String scheme, String path, String query) throws UsageException {
    if (u.getHost() == null) {
      throw new UsageException("URL has no host: " + s);
    }
    try {
      return new URI(scheme, u.getRawUserInfo(), u.getHost(), u.getPort(), path, query, null);
    } catch (URISyntaxException e) {
      throw new UsageException("bad URL " + s + ": " + e.getMessage());
    }
  }

  public boolean ssl() {
    return "wss".equals(url.getScheme()) || "https".equals(url.getScheme());
  }

  public int port() {
    return url.getPort() > 0 ? url.getPort() : ssl() ? 443 : 80;
  }

  /** Path and query for the handshake: the URL's, plus {@code client} and {@code token}. */
  public String requestUri() {
    StringBuilder sb = new StringBuilder(url.getRawPath());
    String q = url.getRawQuery();
    List<String> params = new ArrayList<>();
    if (q != null && !q.isEmpty()) {
      params.add(q);
    }
    if (q == null || !(q.startsWith("client=") || q.contains("&client="))) {
      params.add("client=quotecast-cli");
    }
    if (token != null) {
      params.add("token=" + java.net.URLEncoder.encode(token, java.nio.charset.StandardCharsets.UTF_8));
    }
    return sb.append('?').append(String.join("&", params)).toString();
  }
}
