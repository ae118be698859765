package io.quotecast.sdk;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A Quotecast connection that stays up: it finds a gateway (fixed URL or discovery), reconnects with full-jitter
 * backoff, follows {@code shutdown}/{@code rebalance} notices, resubscribes with {@code since} and resumes gaps, so
 * each listener sees every seq of an epoch once and in order (PROTOCOL.md §4, §6–§8).
 *
 * <p>All state lives on one Vert.x context (the caller's, or a new event loop); public methods may be called from
 * any thread and hop onto it. Listeners are called on it.
 */
public final class QuotecastClient {
  private static final short CLOSE_NORMAL = 1000;

  private final Vertx vertx;
  private final Context context;
  private final ClientOptions options;
  private final ConnectionListener events;
  private final Backoff backoff;
  private final WebSocketClient wsClient;
  private final HttpClient httpClient;
  private final Map<String, Channel> channels = new LinkedHashMap<>();
  private final Map<String, Consumer<JsonObject>> replies = new HashMap<>();
  private final Promise<Void> firstWelcome = Promise.promise();

  private ClientWebSocket ws;
  private String wsUrl;
  private boolean welcomed;
  private boolean closed;
  private long requestIds;
  private long lastReceivedAt;
  private long lastPingAt;
  private long tickTimer = -1;
  private long reconnectTimer = -1;
  private long moveTimer = -1;
  /** Set by a shutdown/rebalance notice: where and when to reconnect instead of backing off. */
  private String movingTo;
  private long moveAt = -1;

  private QuotecastClient(Vertx vertx, ClientOptions options, ConnectionListener events) {
    options.validate();
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.options = options;
    this.events = events == null ? new ConnectionListener() {} : events;
    this.backoff = new Backoff(options.backoffMinMs(), options.backoffMaxMs(), options.random());
    this.wsClient = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(1 << 20).setMaxMessageSize(16 << 20).setConnectTimeout(10_000));
    this.httpClient = vertx.createHttpClient();
  }

  public static QuotecastClient create(Vertx vertx, ClientOptions options) {
    return new QuotecastClient(vertx, options, null);
  }

  public static QuotecastClient create(Vertx vertx, ClientOptions options, ConnectionListener events) {
    return new QuotecastClient(vertx, options, events);
  }

  /** Starts connecting; completes at the first {@code welcome}. Reconnecting goes on until {@link #close()}. */
  public Future<Void> start() {
    context.runOnContext(v -> connect());
    return firstWelcome.future();
  }

  /** Subscribes {@code channel} (e.g. {@code trade:600519.SH}) at the server's default freq. */
  public Subscription subscribe(String channel, ChannelListener listener) {
    return subscribe(channel, null, listener);
  }

  /** Subscribes {@code channel} at {@code freq} ({@code realtime}, {@code 1s}, ...; null = server default). */
  public Subscription subscribe(String channel, String freq, ChannelListener listener) {
    String ch = canonical(channel);
    context.runOnContext(v -> {
      Channel c = channels.get(ch);
      if (c == null) {
        c = new Channel(ch, freq, options.maxPendingPerChannel());
        channels.put(ch, c);
        c.listeners.add(listener);
        if (welcomed) {
          sendSubscribe(List.of(c));
        }
      } else {
        c.listeners.add(listener);
      }
    });
    return new Subscription() {
      @Override
      public String channel() {
        return ch;
      }

      @Override
      public Future<Void> unsubscribe() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
          Channel c = channels.get(ch);
          if (c != null && c.listeners.remove(listener) && c.listeners.isEmpty()) {
            channels.remove(ch);
            if (welcomed) {
              request("unsubscribe", new JsonObject().put("channels", new JsonArray().add(ch)), reply -> { });
            }
          }
          done.complete();
        });
        return done.future();
      }
    };
  }

  /** The last delivered {@code {seq, epoch}} of a channel, or null; what a resubscription sends as {@code since}. */
  public Future<JsonObject> position(String channel) {
    Promise<JsonObject> p = Promise.promise();
    context.runOnContext(v -> {
      Channel c = channels.get(canonical(channel));
      p.complete(c == null ? null : c.sequencer.since());
    });
    return p.future();
  }

  /** Stops reconnecting and closes the connection (1000). */
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      closed = true;
      cancelTimers();
      ClientWebSocket s = ws;
      ws = null;
      welcomed = false;
      Future<Void> closing = s == null || s.isClosed() ? Future.succeededFuture() : s.close(CLOSE_NORMAL, "client closed");
      closing.eventually(() -> Future.join(wsClient.close(), httpClient.close()))
          .onComplete(ar -> done.complete());
      firstWelcome.tryFail("closed");
    });
    return done.future();
  }

  // ---- connecting -----------------------------------------------------------------------------------------------

  private void connect() {
    reconnectTimer = -1;
    if (closed) {
      return;
    }
    resolveUrl()
        .compose(url -> token().map(t -> new String[] {url, t}))
        .compose(ut -> open(ut[0], ut[1]))
        .onFailure(t -> reconnectLater(null, "connect failed: " + t.getMessage()));
  }

  private Future<String> resolveUrl() {
    if (movingTo != null) {
      String to = movingTo;
      movingTo = null;
      return Future.succeededFuture(to);
    }
    if (options.url() != null) {
      return Future.succeededFuture(options.url());
    }
    RequestOptions get = new RequestOptions().setMethod(HttpMethod.GET)
        .setAbsoluteURI(Discovery.endpointsUrl(options.discoveryUrl()));
    return httpClient.request(get)
        .compose(req -> req.send())
        .compose(resp -> resp.statusCode() == 200 ? resp.body()
            : Future.failedFuture("discovery answered " + resp.statusCode()))
        .compose(body -> {
          String url = Discovery.pick(body.toJsonObject());
          return url == null ? Future.failedFuture("discovery listed no endpoint") : Future.succeededFuture(url);
        });
  }

  private Future<String> token() {
    return options.tokenSupplier() == null ? Future.succeededFuture(null) : options.tokenSupplier().get();
  }

  private Future<Void> open(String url, String token) {
    if (closed) {
      return Future.succeededFuture();
    }
    URI uri = URI.create(url);
    boolean ssl = "wss".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/ws" : uri.getRawPath();
    String query = (uri.getRawQuery() == null ? "" : uri.getRawQuery() + "&")
        + "client=" + URLEncoder.encode(options.clientName(), StandardCharsets.UTF_8);
    WebSocketConnectOptions connect = new WebSocketConnectOptions().setHost(uri.getHost()).setPort(port).setSsl(ssl)
        .setURI(path + "?" + query);
    if (token != null && !token.isEmpty()) {
      connect.addHeader("Authorization", "Bearer " + token);
    }
    ClientWebSocket socket = wsClient.webSocket();
    socket.textMessageHandler(text -> {
      if (socket == ws) {
        onText(text);
      }
    });
    socket.closeHandler(v -> {
      if (socket == ws) {
        detach();
        onDisconnected(socket.closeStatusCode(), socket.closeReason());
      }
    });
    socket.exceptionHandler(t -> { }); // the close handler follows; nothing else to do
    return socket.connect(connect).compose(s -> {
      if (closed) {
        s.close(CLOSE_NORMAL);
        return Future.succeededFuture();
      }
      ws = socket;
      wsUrl = url;
      lastReceivedAt = System.currentTimeMillis();
      lastPingAt = lastReceivedAt;
      startTicking();
      return Future.succeededFuture();
    });
  }

  /** Forgets the current socket (its later events are ignored) and everything tied to it. */
  private void detach() {
    ws = null;
    welcomed = false;
    replies.clear();
    if (tickTimer >= 0) {
      vertx.cancelTimer(tickTimer);
      tickTimer = -1;
    }
    if (moveTimer >= 0) {
      vertx.cancelTimer(moveTimer);
      moveTimer = -1;
    }
    for (Channel c : channels.values()) {
      c.sequencer.connectionLost();
    }
  }

  /** Drops a connection the client itself gave up on (idle, moving): no waiting for the close handshake. */
  private void drop(short code, String reason) {
    ClientWebSocket s = ws;
    if (s == null) {
      return;
    }
    detach();
    if (!s.isClosed()) {
      s.close(code, reason);
    }
    onDisconnected(code, reason);
  }

  private void onDisconnected(Short code, String reason) {
    if (closed) {
      return;
    }
    // 4003 forbidden and 4100 closed by an operator: PROTOCOL.md §8 says not to retry automatically
    if (code != null && (code == 4003 || code == 4100)) {
      closed = true;
      cancelTimers();
      events.terminated(code, reason);
      firstWelcome.tryFail("closed by the server: " + code + " " + reason);
      return;
    }
    reconnectLater(code, reason);
  }

  private void reconnectLater(Short code, String reason) {
    if (closed || reconnectTimer >= 0) {
      return;
    }
    long delay;
    if (moveAt >= 0) {
      // a notice told us when: no backoff, the server already spread its clients over time
      delay = Math.max(0, moveAt - System.currentTimeMillis());
      moveAt = -1;
    } else {
      delay = backoff.next();
    }
    events.disconnected(code, reason, delay);
    reconnectTimer = vertx.setTimer(Math.max(1, delay), t -> connect());
  }

  private void cancelTimers() {
    for (long id : new long[] {tickTimer, reconnectTimer, moveTimer}) {
      if (id >= 0) {
        vertx.cancelTimer(id);
      }
    }
    tickTimer = reconnectTimer = moveTimer = -1;
  }

  // ---- heartbeat and staleness ----------------------------------------------------------------------------------

  private void startTicking() {
    long tick = Math.min(options.pingIntervalMs(), options.idleTimeoutMs() / 3);
    if (options.staleAfterMs() > 0) {
      tick = Math.min(tick, options.staleAfterMs() / 2);
    }
    tickTimer = vertx.setPeriodic(Math.max(10, tick), t -> tick());
  }

  private void tick() {
    long now = System.currentTimeMillis();
    if (now - lastReceivedAt > options.idleTimeoutMs()) {
      // a half-open TCP connection can stay "up" for minutes; silence beyond the idle timeout is the only signal
      drop((short) 4009, "no message for " + (now - lastReceivedAt) + " ms");
      return;
    }
    if (welcomed && now - lastPingAt >= options.pingIntervalMs()) {
      lastPingAt = now;
      request("ping", null, reply -> { });
    }
    if (welcomed && options.staleAfterMs() > 0) {
      for (Channel c : channels.values()) {
        long silent = now - c.lastDataAt;
        if (!c.staleNotified && silent >= options.staleAfterMs()) {
          c.staleNotified = true;
          for (ChannelListener l : c.listeners) {
            l.onStale(c.key, silent);
          }
        }
      }
    }
  }

  // ---- messages -------------------------------------------------------------------------------------------------

  private void onText(String text) {
    lastReceivedAt = System.currentTimeMillis();
    JsonObject m;
    try {
      m = new JsonObject(text);
    } catch (RuntimeException e) {
      return; // not ours to fix; the protocol says one JSON object per frame
    }
    onMessage(m);
  }

  private void onMessage(JsonObject m) {
    String type = m.getString("type", "");
    switch (type) {
      case "welcome" -> onWelcome(m.getJsonObject("data", new JsonObject()));
      case "result", "error" -> {
        Consumer<JsonObject> handler = replies.remove(String.valueOf(m.getValue("id")));
        if (handler != null) {
          handler.accept(m);
        }
      }
      case "quote", "trade", "kline" -> onChannelMessage(m);
      case "batch" -> {
        for (Object o : m.getJsonArray("data", new JsonArray())) {
          if (o instanceof JsonObject e) {
            onMessage(e);
          }
        }
      }
      case "status" -> events.status(m.getJsonObject("data", new JsonObject()));
      case "notice" -> onNotice(m.getJsonObject("data", new JsonObject()));
      default -> { } // clients must ignore unknown types (§2)
    }
  }

  private void onWelcome(JsonObject data) {
    welcomed = true;
    backoff.reset();
    events.connected(wsUrl, data);
    firstWelcome.tryComplete();
    if (!channels.isEmpty()) {
      sendSubscribe(new ArrayList<>(channels.values()));
    }
  }

  private void onNotice(JsonObject data) {
    events.notice(data);
    String event = data.getString("event", "");
    if (event.equals("shutdown") || event.equals("rebalance")) {
      long after = Math.max(0, data.getLong("reconnectAfterMs", 0L));
      JsonArray endpoints = data.getJsonArray("endpoints", new JsonArray());
      movingTo = endpoints.isEmpty() ? null : endpoints.getString(0);
      moveAt = System.currentTimeMillis() + after;
      if (moveTimer >= 0) {
        vertx.cancelTimer(moveTimer);
      }
      // leave by ourselves at the given time; if the server closes first, reconnectLater waits until then anyway
      moveTimer = vertx.setTimer(Math.max(1, after), t -> {
        moveTimer = -1;
        drop(CLOSE_NORMAL, "moving on " + event);
      });
    } else if (event.equals("token_expiring") && options.tokenSupplier() != null) {
      options.tokenSupplier().get().onSuccess(token -> {
        if (token != null && welcomed) {
          request("auth", new JsonObject().put("token", token), reply -> { });
        }
      });
    }
  }

  private void onChannelMessage(JsonObject m) {
    String ch = m.getString("ch");
    Channel c = ch == null ? null : channels.get(ch);
    Object seqValue = m.getValue("seq");
    if (c == null || !(seqValue instanceof Number)) {
      return; // unsubscribed meanwhile, or not channel data
    }
    long seq = ((Number) seqValue).longValue();
    JsonObject meta = m.getJsonObject("meta", new JsonObject());
    String epoch = meta.getString("epoch");
    boolean snapshot = meta.getBoolean("snapshot", false);
    boolean recovered = meta.getBoolean("recovered", false);
    long ts = m.getLong("ts", 0L);
    c.lastDataAt = System.currentTimeMillis();
    c.staleNotified = false;
    Object data = m.getValue("data");
    boolean resume = false;
    if (data instanceof JsonArray array) {
      // trades of one period (a freq): seq is the last one's, meta.fromSeq the first one's
      long from = meta.getLong("fromSeq", seq - array.size() + 1);
      for (int i = 0; i < array.size(); i++) {
        if (array.getValue(i) instanceof JsonObject item) {
          resume |= c.sequencer.offer(new Update(ch, from + i, epoch, snapshot, recovered, item, ts), c);
        }
      }
    } else if (data instanceof JsonObject object) {
      resume = c.sequencer.offer(new Update(ch, seq, epoch, snapshot, recovered, object, ts), c);
    }
    if (resume) {
      sendResume(c);
    }
  }

  // ---- requests -------------------------------------------------------------------------------------------------

  private void request(String op, JsonObject args, Consumer<JsonObject> onReply) {
    if (ws == null) {
      return;
    }
    String id = op.charAt(0) + "-" + (++requestIds);
    replies.put(id, onReply);
    JsonObject r = new JsonObject().put("op", op).put("id", id);
    if (args != null) {
      r.put("args", args);
    }
    ws.writeTextMessage(r.encode());
  }

  /** One subscribe per freq; channels delivered before carry {@code since} so the server replays what was missed. */
  private void sendSubscribe(List<Channel> list) {
    Map<String, List<Channel>> byFreq = new LinkedHashMap<>();
    for (Channel c : list) {
      byFreq.computeIfAbsent(c.freq == null ? "" : c.freq, f -> new ArrayList<>()).add(c);
    }
    long now = System.currentTimeMillis();
    for (Map.Entry<String, List<Channel>> e : byFreq.entrySet()) {
      JsonArray keys = new JsonArray();
      JsonObject since = new JsonObject();
      for (Channel c : e.getValue()) {
        keys.add(c.key);
        c.lastDataAt = now;
        c.staleNotified = false;
        JsonObject s = c.sequencer.since();
        if (s != null) {
          since.put(c.key, s);
        }
      }
      JsonObject args = new JsonObject().put("channels", keys);
      if (!e.getKey().isEmpty()) {
        args.put("freq", e.getKey());
      }
      if (!since.isEmpty()) {
        args.put("since", since);
      }
      request("subscribe", args, reply -> onSubscribed(keys, reply));
    }
  }

  private void onSubscribed(JsonArray keys, JsonObject reply) {
    JsonObject data = reply.getJsonObject("data", new JsonObject());
    if ("error".equals(reply.getString("type"))) {
      // all-or-nothing failures (LIMIT_EXCEEDED, ...): every channel of the request is refused
      for (Object k : keys) {
        reject(String.valueOf(k), data);
      }
      return;
    }
    for (Object o : data.getJsonArray("rejected", new JsonArray())) {
      if (o instanceof JsonObject r) {
        reject(r.getString("ch"), r);
      }
    }
    recoveryOutcome(data);
  }

  private void sendResume(Channel c) {
    JsonObject since = c.sequencer.since();
    if (since == null) {
      return;
    }
    request("resume", new JsonObject().put("since", new JsonObject().put(c.key, since)),
        reply -> recoveryOutcome(reply.getJsonObject("data", new JsonObject())));
  }

  /** {@code recovered} / {@code notRecovered} of a subscribe-with-since or resume reply. */
  private void recoveryOutcome(JsonObject data) {
    for (Object k : data.getJsonArray("recovered", new JsonArray())) {
      Channel c = channels.get(String.valueOf(k));
      if (c != null) {
        c.sequencer.recovered(c);
      }
    }
    for (Object k : data.getJsonArray("notRecovered", new JsonArray())) {
      Channel c = channels.get(String.valueOf(k));
      if (c != null) {
        c.sequencer.notRecovered(c);
      }
    }
  }

  private void reject(String ch, JsonObject error) {
    Channel c = ch == null ? null : channels.remove(ch);
    if (c != null) {
      for (ChannelListener l : c.listeners) {
        l.onRejected(ch, error);
      }
    }
  }

  /** {@code Trade:600519.sh} -> {@code trade:600519.SH}: the server answers in canonical form (§3). */
  static String canonical(String channel) {
    int last = channel.lastIndexOf(':');
    return last < 0 ? channel.toLowerCase(Locale.ROOT)
        : channel.substring(0, last).toLowerCase(Locale.ROOT) + channel.substring(last).toUpperCase(Locale.ROOT);
  }

  /** One subscribed channel: its listeners and its sequencing. */
  private static final class Channel implements Sequencer.Sink {
    final String key;
    final String freq;
    final Sequencer sequencer;
    final List<ChannelListener> listeners = new CopyOnWriteArrayList<>();
    long lastDataAt = System.currentTimeMillis();
    boolean staleNotified;

    Channel(String key, String freq, int maxPending) {
      this.key = key;
      this.freq = freq;
      this.sequencer = new Sequencer(Sequencer.isEventChannel(key), maxPending);
    }

    @Override
    public void deliver(Update update) {
      for (ChannelListener l : listeners) {
        try {
          l.onUpdate(update);
        } catch (RuntimeException e) {
          // one faulty listener must not stop the others or the channel's sequencing
        }
      }
    }

    @Override
    public void reset(ChannelListener.Reset reason) {
      for (ChannelListener l : listeners) {
        l.onReset(key, reason);
      }
    }
  }
}
