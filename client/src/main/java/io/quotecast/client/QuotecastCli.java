package io.quotecast.client;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code quotecast-cli}: a small command-line client for the Quotecast WebSocket protocol (PROTOCOL.md).
 *
 * <pre>
 *   quotecast-cli subscribe ws://127.0.0.1:8080/ws quote:600519.SH trade:000001.SZ --freq 1s --count 10
 *   quotecast-cli ping ws://127.0.0.1:8080/ws
 *   quotecast-cli trace http://127.0.0.1:9090 --user alice --seconds 30 --token $ADMIN_TOKEN
 * </pre>
 *
 * Messages are printed exactly as received, one JSON object per line, on standard output (UTF-8); diagnostics go
 * to standard error. Exit codes: 0 done, 1 failed (connection, error reply, server close), 2 bad command line.
 */
public final class QuotecastCli {
  static final long PING_TIMEOUT_MS = 5_000;
  static final long WELCOME_WAIT_MS = 5_000;
  static final int DIAG_PINGS = 3;
  static final long DIAG_WINDOW_MS = 15_000;

  private QuotecastCli() {}

  public static void main(String[] argv) {
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    CliArgs args;
    try {
      args = CliArgs.parse(argv);
    } catch (CliArgs.UsageException e) {
      if (!e.getMessage().isEmpty()) {
        err.println("error: " + e.getMessage());
      }
      err.println(CliArgs.USAGE);
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    int rc;
    try {
      rc = run(vertx, args, out, err).toCompletionStage().toCompletableFuture().get();
    } catch (Exception e) {
      err.println("error: " + (e.getCause() != null ? e.getCause() : e));
      rc = 1;
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // exiting anyway
    }
    System.exit(rc);
  }

  /** Runs the command; the future completes with the process exit code. */
  public static Future<Integer> run(Vertx vertx, CliArgs args, PrintStream out, PrintStream err) {
    if (args.command().equals("trace")) {
      return TraceCommand.run(vertx, args, out, err); // the operations port over HTTP, not a WebSocket session
    }
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(1 << 20).setMaxMessageSize(16 << 20).setConnectTimeout(10_000));
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setHost(args.url().getHost()).setPort(args.port()).setSsl(args.ssl()).setURI(args.requestUri());
    Session session = switch (args.command()) {
      case "ping" -> new PingSession(vertx, args, out, err);
      case "diag" -> new DiagSession(vertx, args, out, err);
      default -> new SubscribeSession(args, out, err);
    };
    ClientWebSocket ws = client.webSocket();
    session.ws = ws;
    ws.textMessageHandler(text -> {
      try {
        session.onText(text);
      } catch (RuntimeException e) {
        err.println("error: " + e);
        session.finish(1);
      }
    });
    ws.exceptionHandler(t -> err.println("error: " + t));
    ws.closeHandler(v -> {
      if (!session.done.future().isComplete()) {
        Short code = ws.closeStatusCode();
        String reason = ws.closeReason();
        err.println("closed by server: " + code + (reason == null || reason.isEmpty() ? "" : " " + reason));
        session.done.tryComplete(code != null && code == 1000 ? 0 : 1);
      }
    });
    session.connectStartNs = System.nanoTime();
    return ws.connect(options)
        .compose(w -> {
          session.onOpen();
          return session.done.future();
        }, t -> {
          err.println("error: cannot connect to " + args.url() + ": " + t.getMessage());
          return Future.succeededFuture(1);
        })
        .eventually(() -> client.close());
  }

  /** State of one CLI run; all callbacks run on the connection's event loop. */
  private abstract static class Session {
    final CliArgs args;
    final PrintStream out;
    final PrintStream err;
    final Promise<Integer> done = Promise.promise();
    ClientWebSocket ws;
    long connectStartNs;

    Session(CliArgs args, PrintStream out, PrintStream err) {
      this.args = args;
      this.out = out;
      this.err = err;
    }

    abstract void onOpen();

    abstract void onText(String text);

    void send(JsonObject request) {
      ws.writeTextMessage(request.encode());
    }

    void finish(int code) {
      if (done.tryComplete(code) && !ws.isClosed()) {
        ws.close((short) 1000);
      }
    }

    static JsonObject parse(String text) {
      try {
        return new JsonObject(text);
      } catch (RuntimeException e) {
        return new JsonObject();
      }
    }
  }

  private static final class SubscribeSession extends Session {
    private static final String REQUEST_ID = "sub-1";
    private int received;

    SubscribeSession(CliArgs args, PrintStream out, PrintStream err) {
      super(args, out, err);
    }

    @Override
    void onOpen() {
      JsonObject a = new JsonObject().put("channels", new JsonArray(new ArrayList<>(args.channels())));
      if (args.freq() != null) {
        a.put("freq", args.freq());
      }
      send(new JsonObject().put("op", "subscribe").put("id", REQUEST_ID).put("args", a));
    }

    @Override
    void onText(String text) {
      if (done.future().isComplete()) {
        return;
      }
      out.println(text);
      JsonObject m = parse(text);
      String type = m.getString("type", "");
      if (REQUEST_ID.equals(m.getString("id"))) {
        if (type.equals("error")) {
          err.println("subscribe failed: " + m.getValue("data"));
          finish(1);
          return;
        }
        JsonObject data = m.getJsonObject("data", new JsonObject());
        JsonArray subscribed = data.getJsonArray("subscribed", new JsonArray());
        JsonArray rejected = data.getJsonArray("rejected", new JsonArray());
        if (!rejected.isEmpty()) {
          err.println("rejected: " + rejected.encode());
        }
        if (subscribed.isEmpty()) {
          err.println("nothing was subscribed");
          finish(1);
        }
        return;
      }
      received += channelMessages(m);
      if (args.count() > 0 && received >= args.count()) {
        finish(0);
      }
    }

    private static int channelMessages(JsonObject m) {
      if ("batch".equals(m.getString("type"))) {
        int n = 0;
        for (Object o : m.getJsonArray("data", new JsonArray())) {
          if (o instanceof JsonObject e && e.containsKey("ch")) {
            n++;
          }
        }
        return n;
      }
      return m.containsKey("ch") ? 1 : 0;
    }
  }

  private static final class PingSession extends Session {
    private final Vertx vertx;
    private final List<Double> rtts = new ArrayList<>();
    private boolean started;
    private int sent;
    private long sentAt;
    private long timer = -1;

    PingSession(Vertx vertx, CliArgs args, PrintStream out, PrintStream err) {
      super(args, out, err);
      this.vertx = vertx;
    }

    @Override
    void onOpen() {
      // the welcome is the first message; if it does not come, ping anyway
      timer = vertx.setTimer(WELCOME_WAIT_MS, t -> {
        err.println("no welcome within " + WELCOME_WAIT_MS + " ms");
        start();
      });
    }

    private void start() {
      if (!started) {
        started = true;
        next();
      }
    }

    private void next() {
      vertx.cancelTimer(timer);
      if (sent == args.count()) {
        double min = rtts.stream().mapToDouble(d -> d).min().orElse(0);
        double max = rtts.stream().mapToDouble(d -> d).max().orElse(0);
        double avg = rtts.stream().mapToDouble(d -> d).average().orElse(0);
        out.printf("%d pings: min %.3f ms, avg %.3f ms, max %.3f ms%n", rtts.size(), min, avg, max);
        finish(0);
        return;
      }
      sent++;
      String id = "p" + sent;
      timer = vertx.setTimer(PING_TIMEOUT_MS, t -> {
        err.println("no reply to " + id + " within " + PING_TIMEOUT_MS + " ms");
        finish(1);
      });
      sentAt = System.nanoTime();
      send(new JsonObject().put("op", "ping").put("id", id));
    }

    @Override
    void onText(String text) {
      if (done.future().isComplete()) {
        return;
      }
      long now = System.nanoTime();
      JsonObject m = parse(text);
      String type = m.getString("type", "");
      if (type.equals("welcome")) {
        out.println(text);
        start();
        return;
      }
      String expected = "p" + sent;
      if (!started || !expected.equals(m.getString("id"))) {
        return;
      }
      if (type.equals("error")) {
        out.println(text);
        err.println("ping failed: " + m.getValue("data"));
        finish(1);
        return;
      }
      double rtt = (now - sentAt) / 1e6;
      rtts.add(rtt);
      Object serverTime = m.getJsonObject("data", new JsonObject()).getValue("serverTime");
      out.printf("ping %s: %.3f ms (serverTime %s)%n", expected, rtt, serverTime);
      next();
    }
  }

  /**
   * {@code diag}: handshake, welcome, {@value #DIAG_PINGS} pings, a subscribe round trip, then {@code --count}
   * channel messages (at most {@value #DIAG_WINDOW_MS} ms) for latency and seq gaps; prints a report. Exit code 0
   * when clean, 2 when gaps or duplicates were seen, 1 on failure.
   */
  private static final class DiagSession extends Session {
    private final Vertx vertx;
    private final DiagReport report = new DiagReport();
    private int pings;
    private long sentAt;
    private long timer = -1;
    private boolean subscribedReplied;

    DiagSession(Vertx vertx, CliArgs args, PrintStream out, PrintStream err) {
      super(args, out, err);
      this.vertx = vertx;
    }

    @Override
    void onOpen() {
      report.handshakeMs = (System.nanoTime() - connectStartNs) / 1e6;
      timer = vertx.setTimer(WELCOME_WAIT_MS, t -> {
        err.println("no welcome within " + WELCOME_WAIT_MS + " ms");
        ping();
      });
    }

    private void ping() {
      vertx.cancelTimer(timer);
      if (pings == DIAG_PINGS) {
        subscribe();
        return;
      }
      pings++;
      timer = vertx.setTimer(PING_TIMEOUT_MS, t -> fail("no reply to ping " + pings));
      sentAt = System.nanoTime();
      send(new JsonObject().put("op", "ping").put("id", "diag-p" + pings));
    }

    private void subscribe() {
      timer = vertx.setTimer(PING_TIMEOUT_MS, t -> fail("no reply to subscribe"));
      sentAt = System.nanoTime();
      send(new JsonObject().put("op", "subscribe").put("id", "diag-s").put("args", new JsonObject()
          .put("channels", new io.vertx.core.json.JsonArray(args.channels())).put("freq", "realtime")));
    }

    private void fail(String why) {
      err.println(why);
      out.print(report.render());
      finish(1);
    }

    private void complete() {
      vertx.cancelTimer(timer);
      out.print(report.render());
      finish(report.gaps == 0 && report.duplicates == 0 ? 0 : 2);
    }

    @Override
    void onText(String text) {
      if (done.future().isComplete()) {
        return;
      }
      long nowNs = System.nanoTime();
      long nowMs = System.currentTimeMillis();
      JsonObject m = parse(text);
      String type = m.getString("type", "");
      String id = m.getString("id");
      if (type.equals("welcome")) {
        report.welcomeMs = (nowNs - connectStartNs) / 1e6;
        report.welcome = m;
        ping();
      } else if (("diag-p" + pings).equals(id)) {
        report.rtts.add((nowNs - sentAt) / 1e6);
        ping();
      } else if ("diag-s".equals(id)) {
        vertx.cancelTimer(timer);
        if (type.equals("error")) {
          fail("subscribe failed: " + m.getValue("data"));
          return;
        }
        report.subscribeMs = (nowNs - sentAt) / 1e6;
        JsonObject data = m.getJsonObject("data", new JsonObject());
        report.subscribed = data.getJsonArray("subscribed", new io.vertx.core.json.JsonArray()).size();
        report.rejected = data.getJsonArray("rejected", new io.vertx.core.json.JsonArray()).size();
        subscribedReplied = true;
        timer = vertx.setTimer(DIAG_WINDOW_MS, t -> complete());
      } else if (subscribedReplied) {
        if (type.equals("batch") && m.getValue("data") instanceof io.vertx.core.json.JsonArray batch) {
          for (Object o : batch) {
            if (o instanceof JsonObject e && e.containsKey("ch")) {
              report.message(e, nowMs);
            }
          }
        } else if (m.containsKey("ch")) {
          report.message(m, nowMs);
        }
        if (report.messages >= args.count()) {
          complete();
        }
      }
    }
  }
}
