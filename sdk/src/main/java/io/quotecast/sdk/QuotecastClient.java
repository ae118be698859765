package io.quotecast.sdk;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A Quotecast connection that stays up: it finds a gateway (fixed URL or discovery), reconnects with full-jitter
 * backoff, follows {@code shutdown}/{@code rebalance}/{@code overloaded} notices and 503 refusals to the endpoints they name,
 * resubscribes with {@code since} and resumes gaps, so each listener sees every seq of an epoch once and in order
 * (PROTOCOL.md §4, §6–§8), and optionally acknowledges what it delivered.
 *
 * <p>All state lives on one Vert.x context (the caller's, or a new event loop); public methods may be called from
 * any thread and hop onto it. Listeners are called on it.
 */
public final class QuotecastClient {
  private static final short CLOSE_NORMAL = 1000;
  /** Error codes of a subscribe that are worth retrying on the same connection rather than refusing the channels. */
  private static final Set<String> TRANSIENT = Set.of("RATE_LIMITED", "UNAVAILABLE", "INTERNAL");
  private static final long TRANSIENT_RETRY_MS = 1000;
  private static final long LIST_INTERVAL_MS = 1000;

  private final Vertx vertx;
  private final Context context;
  private final ClientOptions options;
  private final ConnectionListener events;
  private final Backoff backoff;
  private final WebSocketClient wsClient;
  private final HttpClient httpClient;
  private final Map<String, Channel> channels = new LinkedHashMap<>();
  private final Map<String, Consumer<JsonObject>> replies = new HashMap<>();
  /** Requests made through {@link #request}: failed with DISCONNECTED when the connection ends before the reply. */
  private final Map<String, Promise<JsonObject>> userRequests = new HashMap<>();
  /** Endpoints to try first on the next connect: named by a notice or an in-band refusal. */
  private final List<String> preferred = new ArrayList<>();
  /** URL -> epoch ms before which it is not tried again (Retry-After of its refusal). */
  private final Map<String, Long> notBefore = new HashMap<>();
  /** The accepting endpoints of the last discovery answer: where to go when the discovery URL itself is down. */
  private List<String> fleet = List.of();
  private final Promise<Void> firstWelcome = Promise.promise();

  private ClientWebSocket ws;
  private String wsUrl;
  private boolean started;
  private boolean welcomed;
  private boolean closed;
  private long requestIds;
  private long lastReceivedAt;
  private long lastPingAt;
  private long lastAckAt;
  /** Counts connections, so a timer set for one does nothing on the next. */
  private long connectionNo;
  private boolean listing;
  private long lastListAt;
  private long tickTimer = -1;
  private long reconnectTimer = -1;
  private long moveTimer = -1;
  /** Set by a shutdown/rebalance/overloaded notice: when to reconnect instead of backing off (where: {@link #preferred}). */
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

  /**
   * Starts connecting; completes at the first {@code welcome}. Reconnecting goes on until {@link #close()}. Calling
   * it again only returns the same future (it used to open a second connection).
   */
  public Future<Void> start() {
    context.runOnContext(v -> {
      if (!started) {
        started = true;
        connect();
      }
    });
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

  /**
   * Sends a request on the current connection ({@code list}, {@code snapshot}, {@code ping}, ...; PROTOCOL.md §4) and
   * completes with the reply's {@code data}. Fails with {@link RequestException}: the server's error, or
   * {@code DISCONNECTED} when there is no connection or it ends before the reply. Subscriptions should go through
   * {@link #subscribe}, which survives reconnects; a {@code subscribe} sent here is not.
   */
  public Future<JsonObject> request(String op, JsonObject args) {
    Promise<JsonObject> p = Promise.promise();
    context.runOnContext(v -> {
      if (!welcomed) {
        p.fail(new RequestException("DISCONNECTED", "not connected", null));
        return;
      }
      String id = request(op, args, reply -> {
        JsonObject data = reply.getJsonObject("data", new JsonObject());
        if ("error".equals(reply.getString("type"))) {
          p.tryFail(new RequestException(data.getString("code", "INTERNAL"), data.getString("message", ""), data));
        } else {
          p.tryComplete(data);
        }
      });
      userRequests.put(id, p);
      p.future().onComplete(ar -> userRequests.remove(id));
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

  /**
   * One connect attempt: the candidates (endpoints a notice or refusal named first, then the fixed URL or what
   * discovery lists) are tried in order until one opens; a 503 refusal puts the endpoints its body names next and
   * keeps its URL out for Retry-After. Only when every candidate failed does the client back off.
   */
  private void connect() {
    reconnectTimer = -1;
    if (closed) {
      return;
    }
    Attempt attempt = new Attempt();
    candidates()
        .compose(list -> {
          attempt.add(list);
          return tryNext(attempt);
        })
        .onFailure(t -> reconnectLater(null, "connect failed: " + t.getMessage(), attempt.earliestRetryAt()));
  }

  /** The candidates of one attempt, in order. */
  private final class Attempt {
    final List<String> urls = new ArrayList<>();
    int next;
    String lastError = "no endpoint to try";

    void add(Collection<String> more) {
      for (String u : more) {
        if (!urls.contains(u)) {
          urls.add(u);
        }
      }
    }

    /** Puts {@code alternatives} right after the candidate being tried (those not tried yet). */
    void insertNext(List<String> alternatives) {
      int at = next;
      for (String u : alternatives) {
        int i = urls.indexOf(u);
        if (i >= 0 && i < next) {
          continue; // tried already in this attempt
        }
        if (i >= 0) {
          urls.remove(i);
        }
        urls.add(at++, u);
      }
    }

    /** When the first of the candidates may be tried again (0 when one of them may be tried at once). */
    long earliestRetryAt() {
      long earliest = Long.MAX_VALUE;
      for (String u : urls) {
        earliest = Math.min(earliest, notBefore.getOrDefault(u, 0L));
      }
      return earliest == Long.MAX_VALUE ? 0 : earliest;
    }
  }

  private Future<List<String>> candidates() {
    List<String> first = new ArrayList<>(preferred);
    preferred.clear();
    Future<List<String>> usual = options.url() != null ? Future.succeededFuture(List.of(options.url())) : discover();
    return usual.transform(ar -> {
      if (ar.failed() && first.isEmpty()) {
        return Future.failedFuture(ar.cause());
      }
      List<String> all = new ArrayList<>(first);
      if (ar.succeeded()) {
        for (String u : ar.result()) {
          if (!all.contains(u)) {
            all.add(u);
          }
        }
      }
      return Future.succeededFuture(all);
    });
  }

  /**
   * {@code GET <discoveryUrl>/api/v1/endpoints}: the accepting gateways, least loaded first. When the discovery URL
   * cannot be reached (it is one of the gateways, and it died), the endpoints of its last answer stand in.
   */
  private Future<List<String>> discover() {
    RequestOptions get = new RequestOptions().setMethod(HttpMethod.GET)
        .setAbsoluteURI(Discovery.endpointsUrl(options.discoveryUrl()))
        .setConnectTimeout(5_000).setIdleTimeout(5_000);
    return httpClient.request(get)
        .compose(req -> req.send())
        .compose(resp -> resp.statusCode() == 200 ? resp.body()
            : Future.failedFuture("discovery answered " + resp.statusCode()))
        .compose(body -> {
          List<String> urls = Discovery.candidates(body.toJsonObject());
          if (urls.isEmpty()) {
            return Future.failedFuture("discovery listed no accepting endpoint");
          }
          fleet = List.copyOf(urls);
          return Future.succeededFuture(urls);
        })
        .recover(t -> fleet.isEmpty() || String.valueOf(t.getMessage()).startsWith("discovery listed")
            ? Future.failedFuture(t) : Future.succeededFuture(fleet));
  }

  private Future<Void> tryNext(Attempt a) {
    long now = System.currentTimeMillis();
    while (a.next < a.urls.size()) {
      String url = a.urls.get(a.next++);
      long wait = notBefore.getOrDefault(url, 0L) - now;
      if (wait > 0) {
        a.lastError = url + " refused the last attempt; its Retry-After has " + wait + " ms to run";
        continue;
      }
      return token().compose(t -> open(url, t)).recover(failure -> {
        a.lastError = url + ": " + failure.getMessage();
        if (failure instanceof UpgradeRejectedException refusal) {
          refused(url, refusal, a);
        }
        return closed ? Future.succeededFuture() : tryNext(a);
      });
    }
    return Future.failedFuture(a.lastError);
  }

  /**
   * A refusal before the upgrade (503 + Retry-After + problem+json with {@code endpoints} when the node is full or
   * draining): the URL rests for Retry-After, and the endpoints the body names are tried next, in this attempt.
   */
  private void refused(String url, UpgradeRejectedException refusal, Attempt a) {
    JsonObject problem = null;
    try {
      if (refusal.getBody() != null && refusal.getBody().length() > 0) {
        problem = refusal.getBody().toJsonObject();
      }
    } catch (RuntimeException notJson) {
      // a proxy's HTML page: no alternatives, only the header
    }
    String header = refusal.getHeaders() == null ? null : refusal.getHeaders().get("Retry-After");
    long retryMs = retryAfterMs(header, problem);
    if (retryMs > 0) {
      notBefore.put(url, System.currentTimeMillis() + retryMs);
    }
    List<String> alternatives = strings(problem == null ? null : problem.getJsonArray("endpoints"));
    a.insertNext(alternatives);
    events.refused(url, refusal.getStatus(), retryMs, alternatives);
  }

  /** The body's {@code retryAfterMs} (exact), else the Retry-After header (seconds or an HTTP date), else 0. */
  static long retryAfterMs(String header, JsonObject problem) {
    if (problem != null && problem.getValue("retryAfterMs") instanceof Number n && n.longValue() > 0) {
      return n.longValue();
    }
    if (header == null || header.isBlank()) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(header.trim()) * 1000);
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
        return Math.max(0, at.toInstant().toEpochMilli() - System.currentTimeMillis());
      } catch (RuntimeException notADate) {
        return 0;
      }
    }
  }

  private static List<String> strings(JsonArray array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      for (Object o : array) {
        if (o instanceof String u && !u.isEmpty() && !out.contains(u)) {
          out.add(u);
        }
      }
    }
    return out;
  }

  private Future<String> token() {
    return options.tokenSupplier() == null ? Future.succeededFuture(null) : options.tokenSupplier().get();
  }

  /** True when the raw query string has {@code name} as a parameter. */
  static boolean hasParameter(String rawQuery, String name) {
    if (rawQuery == null) {
      return false;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.equals(name) || pair.startsWith(name + "=")) {
        return true;
      }
    }
    return false;
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
    if (options.batchMs() > 0 && !hasParameter(uri.getRawQuery(), "batch")) {
      query += "&batch=" + options.batchMs();
    }
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
      connectionNo++;
      notBefore.remove(url);
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
    listing = false;
    if (!userRequests.isEmpty()) {
      List<Promise<JsonObject>> pending = new ArrayList<>(userRequests.values());
      userRequests.clear();
      pending.forEach(p -> p.tryFail(new RequestException("DISCONNECTED", "the connection ended", null)));
    }
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
      c.joined = false;
      c.ackedSeq = -1;
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
    reconnectLater(code, reason, 0);
  }

  /** Schedules the next attempt: at the time a notice named, else after the backoff, never before {@code notBeforeAt}. */
  private void reconnectLater(Short code, String reason, long notBeforeAt) {
    if (closed || reconnectTimer >= 0) {
      return;
    }
    long now = System.currentTimeMillis();
    long delay;
    if (moveAt >= 0) {
      // a notice told us when: no backoff, the server already spread its clients over time
      delay = Math.max(0, moveAt - now);
      moveAt = -1;
    } else {
      delay = backoff.next();
    }
    delay = Math.max(delay, notBeforeAt - now);
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
    if (options.ackIntervalMs() > 0) {
      tick = Math.min(tick, options.ackIntervalMs());
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
    if (welcomed && options.ackIntervalMs() > 0 && now - lastAckAt >= options.ackIntervalMs()) {
      lastAckAt = now;
      sendAcks();
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
        if (m.getValue("id") == null && "error".equals(type)) {
          onUnsolicitedError(m.getJsonObject("data", new JsonObject()));
          return;
        }
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

  /**
   * An error without a request: a connection that got past the node's admission check in a race is refused in band
   * ({@code UNAVAILABLE} with {@code retryAfterMs} and {@code endpoints}, then close 1013). The next attempt goes to
   * those endpoints first and leaves this one alone for {@code retryAfterMs}.
   */
  private void onUnsolicitedError(JsonObject data) {
    if (!"UNAVAILABLE".equals(data.getString("code")) || wsUrl == null) {
      return;
    }
    long retryMs = retryAfterMs(null, data);
    if (retryMs > 0) {
      notBefore.put(wsUrl, System.currentTimeMillis() + retryMs);
    }
    List<String> alternatives = strings(data.getJsonArray("endpoints"));
    alternatives.remove(wsUrl);
    preferred.clear();
    preferred.addAll(alternatives);
    events.refused(wsUrl, 0, retryMs, alternatives);
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
    // the node is leaving, moving us, or shedding us under overload: go where it says, when it says
    if (event.equals("shutdown") || event.equals("rebalance") || event.equals("overloaded")) {
      long after = Math.max(0, data.getLong("reconnectAfterMs", 0L));
      List<String> endpoints = strings(data.getJsonArray("endpoints"));
      endpoints.remove(wsUrl); // the node that is leaving is no place to go
      preferred.clear();
      preferred.addAll(endpoints);
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
    if (c.sequencer.epochUnknown()) {
      learnEpochs();
    }
  }

  /**
   * A stream that began without naming its epoch (a trade channel joined before its first trade: its first live
   * message carries no meta.epoch) cannot be resumed after a reconnect, because {@code since} needs the epoch. The
   * {@code list} reply names every subscription's epoch; at most one {@code list} per second.
   */
  private void learnEpochs() {
    long now = System.currentTimeMillis();
    if (listing || !welcomed || now - lastListAt < LIST_INTERVAL_MS) {
      return;
    }
    listing = true;
    lastListAt = now;
    request("list", null, reply -> {
      listing = false;
      JsonArray subs = reply.getJsonObject("data", new JsonObject()).getJsonArray("subscriptions", new JsonArray());
      for (Object o : subs) {
        if (o instanceof JsonObject sub) {
          Channel c = channels.get(sub.getString("ch"));
          if (c != null) {
            c.sequencer.learnEpoch(sub.getString("epoch"));
          }
        }
      }
    });
  }

  /** The {@code ack} op with the last delivered seq of each channel that delivered something since its last ack. */
  private void sendAcks() {
    JsonObject acks = new JsonObject();
    for (Channel c : channels.values()) {
      if (c.joined && c.deliveredSeq >= 0 && c.deliveredSeq != c.ackedSeq) {
        acks.put(c.key, c.deliveredSeq);
        c.ackedSeq = c.deliveredSeq;
      }
    }
    if (!acks.isEmpty()) {
      request("ack", new JsonObject().put("acks", acks), reply -> { });
    }
  }

  // ---- requests -------------------------------------------------------------------------------------------------

  /** Sends a request; returns its id (null when there is no connection: then no reply will come). */
  private String request(String op, JsonObject args, Consumer<JsonObject> onReply) {
    if (ws == null) {
      return null;
    }
    String id = op.charAt(0) + "-" + (++requestIds);
    replies.put(id, onReply);
    JsonObject r = new JsonObject().put("op", op).put("id", id);
    if (args != null) {
      r.put("args", args);
    }
    ws.writeTextMessage(r.encode());
    return id;
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
      if (TRANSIENT.contains(data.getString("code", ""))) {
        // a busy or briefly unavailable server (rate limit, subscription service moving): not a refusal of the
        // channels, which the application would otherwise lose for good; ask again on this connection
        retrySubscribe(keys, data.getLong("retryAfterMs", TRANSIENT_RETRY_MS));
        return;
      }
      // all-or-nothing failures (LIMIT_EXCEEDED, ...): every channel of the request is refused
      for (Object k : keys) {
        reject(String.valueOf(k), data);
      }
      return;
    }
    // where the server joined us: a different epoch than the one delivered means the stream restarted
    for (Object o : data.getJsonArray("subscribed", new JsonArray())) {
      if (o instanceof JsonObject entry) {
        Channel c = channels.get(entry.getString("ch"));
        if (c != null) {
          c.joined = true;
          Object seq = entry.getValue("seq");
          c.sequencer.subscribed(seq instanceof Number n ? n.longValue() : 0, entry.getString("epoch"), c);
        }
      }
    }
    for (Object o : data.getJsonArray("rejected", new JsonArray())) {
      if (o instanceof JsonObject r) {
        reject(r.getString("ch"), r);
      }
    }
    recoveryOutcome(data);
    for (Object k : keys) {
      Channel c = channels.get(String.valueOf(k));
      if (c != null) {
        c.sequencer.replyHandled();
      }
    }
  }

  private void retrySubscribe(JsonArray keys, long delayMs) {
    long connection = connectionNo;
    vertx.setTimer(Math.max(1, delayMs), t -> {
      if (!welcomed || connection != connectionNo) {
        return; // reconnected meanwhile: the welcome resubscribed everything
      }
      List<Channel> again = new ArrayList<>();
      for (Object k : keys) {
        Channel c = channels.get(String.valueOf(k));
        if (c != null && !c.joined) {
          again.add(c);
        }
      }
      if (!again.isEmpty()) {
        sendSubscribe(again);
      }
    });
  }

  private void sendResume(Channel c) {
    JsonObject since = c.sequencer.since();
    if (since == null) {
      return;
    }
    request("resume", new JsonObject().put("since", new JsonObject().put(c.key, since)), reply -> {
      JsonObject data = reply.getJsonObject("data", new JsonObject());
      if ("error".equals(reply.getString("type"))) {
        resumeFailed(c, data);
      } else {
        recoveryOutcome(data);
      }
    });
  }

  /**
   * A resume the server refused must not leave the gap open until the parking bound gives it up: a channel the
   * server no longer has is subscribed again with since (which recovers the same way), a refusal for load is
   * retried after the server's retryAfterMs, anything else gives the gap up now, visibly (NOT_RECOVERED).
   */
  private void resumeFailed(Channel c, JsonObject error) {
    String code = error.getString("code", "");
    if (channels.get(c.key) != c) {
      return;
    }
    if ("NOT_SUBSCRIBED".equals(code)) {
      c.joined = false;
      c.sequencer.connectionLost();
      sendSubscribe(List.of(c));
    } else if ("RATE_LIMITED".equals(code) || "UNAVAILABLE".equals(code)) {
      long connection = connectionNo;
      vertx.setTimer(Math.max(1, error.getLong("retryAfterMs", 1000L)), t -> {
        if (welcomed && connection == connectionNo && channels.get(c.key) == c) {
          sendResume(c);
        }
      });
    } else {
      c.sequencer.notRecovered(c);
    }
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
    /** Subscribed on the current connection (its subscribe reply listed it): acks may name it. */
    boolean joined;
    /** Seq of the last update delivered in the current epoch (-1: none), and the last one acked on this connection. */
    long deliveredSeq = -1;
    long ackedSeq = -1;

    Channel(String key, String freq, int maxPending) {
      this.key = key;
      this.freq = freq;
      this.sequencer = new Sequencer(Sequencer.isEventChannel(key), maxPending);
    }

    @Override
    public void deliver(Update update) {
      deliveredSeq = update.seq();
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
      if (reason == ChannelListener.Reset.NEW_EPOCH) {
        deliveredSeq = -1; // an old epoch's seq means nothing to the new stream
      }
      for (ChannelListener l : listeners) {
        try {
          l.onReset(key, reason);
        } catch (RuntimeException e) {
          // as for updates: one faulty listener must not stop the others
        }
      }
    }
  }
}
