package io.quotecast.quote;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import java.util.function.ToIntBiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket connection to an upstream feed (docs/UPSTREAM-FEED.md), with the simulator's fault handling: status
 * {@code down} while not connected, reconnect attempts with exponential backoff and full jitter ({@link SourceWatch}),
 * {@code up} once connected again (clients then get fresh snapshots); {@code degraded} while connected but without a
 * valid message for {@code source.staleMs} during trading. A connection that answers nothing at all — no data, no
 * pong to our pings — for {@code source.feed.pingMs} is taken for dead (a half-open TCP connection looks healthy
 * forever otherwise) and re-established. Runs on the quote verticle's event loop; never blocks.
 */
final class FeedConnection implements SourceConnection {
  private static final Logger LOG = LoggerFactory.getLogger(FeedConnection.class);
  private static final long CHECK_MS = 250;

  private final Vertx vertx;
  private final FeedSettings settings;
  private final SourceWatch watch;
  private final LongPredicate trading;
  private final Consumer<JsonObject> publish;
  private final ToIntBiFunction<String, Long> frames;
  private final Consumer<Long> everyCheck;
  private final WebSocketClient client;
  /** The socket of the current attempt or connection; null while waiting to retry. */
  private ClientWebSocket ws;
  /** Whether {@link #ws} completed its handshake (and the subscribe frame went out). */
  private boolean open;
  private long lastReceived;
  private long lastPing;
  private long checkTimer = -1;
  private long retryTimer = -1;
  private boolean stopped;

  /**
   * @param frames handles a text frame received at a time; returns how many well-formed messages it held (a non-zero
   *               count is a sign of life for the staleness check)
   * @param everyCheck called on every periodic check with the time (e.g. to log rejection summaries)
   */
  FeedConnection(Vertx vertx, FeedSettings settings, String source, long staleMs, LongPredicate trading,
                 Consumer<JsonObject> publish, ToIntBiFunction<String, Long> frames, Consumer<Long> everyCheck,
                 Random random) {
    this.vertx = vertx;
    this.settings = settings;
    this.watch = new SourceWatch(source, staleMs, System.currentTimeMillis(), random);
    this.trading = trading;
    this.publish = publish;
    this.frames = frames;
    this.everyCheck = everyCheck;
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(settings.maxFrameBytes())
        .setMaxMessageSize(settings.maxFrameBytes())
        .setConnectTimeout((int) settings.connectTimeoutMs()));
    // down until the first connect succeeds: a node is not ready before its source is
    watch.lost(System.currentTimeMillis(), "connecting to the feed");
  }

  @Override
  public void start() {
    checkTimer = vertx.setPeriodic(CHECK_MS, id -> check(System.currentTimeMillis()));
    connect();
  }

  @Override
  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(checkTimer);
    vertx.cancelTimer(retryTimer);
    ClientWebSocket socket = open ? ws : null;
    ws = null;
    open = false;
    // a clean close frame when connected; closing the client ends an attempt still under way
    Future<Void> closed = socket == null ? Future.succeededFuture() : socket.close().otherwiseEmpty();
    return closed.eventually(client::close);
  }

  @Override
  public JsonObject status() {
    return watch.status();
  }

  private void connect() {
    if (stopped) {
      return;
    }
    ClientWebSocket socket = client.webSocket();
    ws = socket;
    open = false;
    // handlers before connecting: nothing the feed sends right after the handshake is lost
    socket.textMessageHandler(text -> received(socket, text));
    socket.binaryMessageHandler(bytes -> received(socket, bytes.toString(StandardCharsets.UTF_8)));
    socket.pongHandler(data -> {
      if (socket == ws) {
        lastReceived = System.currentTimeMillis();
      }
    });
    socket.closeHandler(v -> gone(socket, "connection to the feed closed" + closeDetail(socket)));
    socket.exceptionHandler(err -> LOG.debug("feed connection error: {}", err.toString()));
    WebSocketConnectOptions options = new WebSocketConnectOptions().setAbsoluteURI(settings.url())
        .setConnectTimeout(settings.connectTimeoutMs())
        .setTimeout(settings.connectTimeoutMs());
    String auth = settings.authValue();
    if (auth != null) {
      options.putHeader(settings.authHeader(), auth);
    }
    String subscribe = settings.subscribeFrame();
    socket.connect(options)
        .compose(w -> subscribe.isEmpty() ? Future.<Void>succeededFuture() : socket.writeTextMessage(subscribe))
        .onSuccess(v -> opened(socket))
        .onFailure(err -> gone(socket, "cannot connect to the feed at " + settings.safeUrl() + ": " + describe(err)));
  }

  private void opened(ClientWebSocket socket) {
    if (socket != ws) {
      socket.close(); // stopped meanwhile, or already given up on
      return;
    }
    long now = System.currentTimeMillis();
    open = true;
    lastReceived = now;
    lastPing = now;
    LOG.info("connected to the feed at {}", settings.safeUrl());
    publish.accept(watch.reconnected(now));
  }

  private void received(ClientWebSocket socket, String text) {
    if (socket != ws) {
      return;
    }
    long now = System.currentTimeMillis();
    lastReceived = now;
    if (frames.applyAsInt(text, now) > 0) {
      watch.onUpdate(now);
    }
  }

  /**
   * The current socket is lost (closed, failed to connect, or dead): status down and the next attempt after the
   * backoff. Only the first report per socket counts (a failed connect may also fire its close handler).
   */
  private void gone(ClientWebSocket socket, String why) {
    if (socket != ws || stopped) {
      return;
    }
    ws = null;
    long now = System.currentTimeMillis();
    if (open) {
      LOG.warn("source down: {}", why);
      watch.lost(now, why);
    } else {
      LOG.warn("reconnect attempt failed: {}", why);
      watch.retryFailed(why);
    }
    open = false;
    long delay = watch.nextRetryDelay();
    publish.accept(watch.status());
    retryTimer = vertx.setTimer(Math.max(1, delay), id -> connect());
  }

  private void check(long now) {
    JsonObject change = watch.check(now, trading.test(now));
    if (change != null) {
      LOG.warn("source {}: {}", change.getString("state"), change.getString("reason", "updates resumed"));
      publish.accept(change);
    }
    ClientWebSocket socket = ws;
    long pingMs = settings.pingMs();
    if (open && socket != null && pingMs > 0 && now - lastPing >= pingMs) {
      if (lastReceived < lastPing) {
        // nothing since the last ping, not even its pong: do not wait for a close handshake that will not come
        socket.close((short) 1001, "no answer to ping");
        gone(socket, "the feed answered nothing for " + (now - lastReceived) + " ms (no data, no pong)");
      } else {
        socket.writePing(Buffer.buffer("qc"));
        lastPing = now;
      }
    }
    everyCheck.accept(now);
  }

  /** " (1001 going away)", " (1006)" or "". */
  private static String closeDetail(ClientWebSocket socket) {
    Short code = socket.closeStatusCode();
    if (code == null) {
      return "";
    }
    String reason = socket.closeReason();
    return " (" + code + (reason == null || reason.isEmpty() ? "" : " " + reason) + ")";
  }

  private static String describe(Throwable err) {
    if (err instanceof UpgradeRejectedException rejected) {
      return "handshake refused with HTTP " + rejected.getStatus();
    }
    return err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
  }
}
