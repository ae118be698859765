package io.quotecast.gateway;

import io.quotecast.common.Addresses;
import io.quotecast.common.Envelope;
import io.quotecast.common.ErrorCode;
import io.quotecast.common.Freq;
import io.quotecast.common.MessageTypes;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.auth.Principal;
import io.quotecast.common.auth.TierLimits;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: its subscriptions, counters and options, and the only place that writes to its socket
 * (directly, or combined into {@code batch} frames when the client asked for batching). Runs on its gateway
 * instance's event loop.
 */
final class Session {
  private static final Logger LOGGER = LoggerFactory.getLogger(Session.class);
  /** Requests queued behind a slow one before the connection is told to slow down. */
  private static final int MAX_PENDING_REQUESTS = 64;
  /** A batch is sent early when it grows past this many bytes. */
  private static final int MAX_BATCH_BYTES = 256 * 1024;

  final String id;
  final Gateway gw;
  final Transport transport;
  final String clientName;
  final long connectedAt = System.currentTimeMillis();
  final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
  final RequestHandler requests;
  final ConnectionLog log;

  /** Who is on this connection; null until a valid token arrives when anonymous access is off. */
  Principal principal;
  /** The limits of the principal's tier (the default tier's while unauthenticated). */
  TierLimits tier;
  /** True once the subscription verticle counts this connection for its user. */
  boolean registered;
  private boolean welcomed;
  /** A bad connect-time option, reported right after the welcome. */
  ProtocolException optionError;
  private long authTimer = -1;
  private long noticeTimer = -1;
  private long expiryTimer = -1;
  private long moveTimer = -1;
  /** Asked to move to another node (rebalance); a session is asked at most once. */
  boolean askedToMove;
  /** While the node slows this connection's tier under overload: its subscriptions' own freqs; null otherwise. */
  private Degradation degradation;

  long received;
  long sent;
  long bytesSent;
  /** Channel messages this connection never got (as {@code GatewayCounters.dropped} counts them). */
  long dropped;
  long lastActivity = connectedAt;
  long lastPing = connectedAt;
  /** When the outstanding WebSocket ping went out (nanoTime), 0 when none is outstanding. */
  private long pingSentAt;
  /** The last ping's round trip in ns, -1 before the first pong. */
  private long rttNanos = -1;
  /**
   * The message traces watching this connection, null when none (the usual case): an untraced connection pays this
   * one field check per message in and out.
   */
  TraceSet trace;
  int batchMs;
  private final ArrayList<OutboundMessage> batch = new ArrayList<>();
  private int batchBytes;
  private long batchTimer = -1;
  private boolean closed;
  private long malformedWindowStart;
  private int malformedInWindow;
  private int pendingRequests;
  /** State messages held back while the send queue is full, one per subscription. */
  private final PendingLatest held = new PendingLatest();
  /** Bytes of replies and notices written while the queue was full; bounded so requests cannot grow the queue. */
  private long overflowBytes;
  private Future<Void> requestChain = Future.succeededFuture();
  private final RequestRate rate;

  Session(Gateway gw, Transport transport, String clientName, int batchMs) {
    this.id = "c-" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    this.gw = gw;
    this.transport = transport;
    this.clientName = clientName;
    this.batchMs = batchMs;
    this.requests = new RequestHandler(gw, this);
    this.log = new ConnectionLog(LOGGER, this);
    this.rate = new RequestRate(gw.requestsPerSecond, gw.requestBurst, gw.rateLimitedCloseAfter,
        System.currentTimeMillis());
  }

  String userId() {
    return principal == null ? "-" : principal.userId();
  }

  boolean welcomed() {
    return welcomed;
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * Starts reading requests and greets the client. {@code initial} is the user the handshake established (a verified
   * token, or the anonymous user), null when a token must still come with the {@code auth} op; {@code tokenError} is a
   * token the handshake brought that failed verification: the client is told why and the connection closes with 1008.
   */
  void open(Principal initial, ProtocolException tokenError) {
    transport.textHandler(this::onText);
    transport.activityHandler(v -> pong());
    transport.closeHandler(v -> onClosed());
    transport.drainHandler(v -> onDrain());
    if (tokenError != null) {
      log.info("refused connection: {}", tokenError.getMessage());
      replyError(null, tokenError);
      close(MessageTypes.CLOSE_POLICY, "invalid token");
      return;
    }
    ProtocolException overloaded = initial == null ? null : gw.overload.refusal(initial);
    if (overloaded != null) {
      // Past the check before the upgrade (the level rose meanwhile, or SockJS polling): refused now, like a full node.
      log.info("refused connection: {}", overloaded.getMessage());
      replyError(null, overloaded);
      close(MessageTypes.CLOSE_OVERLOADED, gw.overload.closeReason(overloaded));
      return;
    }
    tier = gw.tier(initial);
    if (initial == null) {
      welcome();
      authTimer = gw.vertx.setTimer(gw.auth.authTimeoutMs(), t -> {
        authTimer = -1;
        if (principal == null && !closed) {
          log.info("closing connection: no valid token within {} ms", gw.auth.authTimeoutMs());
          close(MessageTypes.CLOSE_UNAUTHORIZED, "no valid token within " + gw.auth.authTimeoutMs() + " ms");
        }
      });
      return;
    }
    // Requests wait behind the registration, so the welcome is the first message and carries the right limits.
    Future<Void> registration = register(initial).transform(done -> {
      if (done.succeeded()) {
        welcome();
        gw.overload.applyTo(this);
      } else if (done.cause() instanceof ProtocolException down && down.code() == ErrorCode.UNAVAILABLE) {
        // The subscription role is not up (yet): serve the connection; subscribe registers it again.
        adoptUncounted(initial);
        welcome();
        gw.overload.applyTo(this);
      } else if (done.cause() instanceof ProtocolException refused) {
        log.info("refused connection: {}", refused.getMessage());
        replyError(null, refused);
        close(MessageTypes.CLOSE_RATE_LIMITED, refused.getMessage());
      }
      return Future.<Void>succeededFuture();
    });
    requestChain = registration;
  }

  private void welcome() {
    if (closed) {
      return;
    }
    welcomed = true;
    JsonObject data = new JsonObject()
        .put("connectionId", id).put("node", gw.nodeId).put("protocol", 1)
        .put("heartbeatMs", gw.heartbeatMs).put("idleTimeoutMs", gw.idleTimeoutMs)
        .put("user", principal == null ? null : principal.toJson())
        .put("limits", gw.limits(tier))
        .put("freqs", new JsonArray(Freq.wireNames()))
        .put("sources", gw.sources.copy())
        .put("transport", transport.name())
        .put("batch", batchMs);
    if (principal == null) {
      data.put("authRequired", true).put("authTimeoutMs", gw.auth.authTimeoutMs());
    }
    send(new OutboundMessage(Envelope.message(MessageTypes.WELCOME, System.currentTimeMillis()).put("data", data)
        .encode()));
    if (optionError != null) {
      replyError(null, optionError);
      optionError = null;
    }
  }

  // ---- identity -------------------------------------------------------------------------------------------------

  /**
   * Makes {@code user} this connection's user: the subscription verticle counts the connection (and its
   * subscriptions) for that user, within the user's tier limits. On failure nothing changes: the future fails with
   * the protocol error (LIMIT_EXCEEDED), or UNAVAILABLE when the subscription service does not answer.
   */
  Future<Void> register(Principal user) {
    JsonObject body = new JsonObject().put("connectionId", id).put("user", user.toJson());
    return gw.vertx.eventBus().<JsonObject>request(Addresses.SUBSCRIPTION_CONNECT, body)
        .recover(failure -> Future.failedFuture(new ProtocolException(ErrorCode.UNAVAILABLE,
            "subscription service unavailable", new JsonObject().put("retryAfterMs", 1000))))
        .compose(reply -> {
          JsonObject answer = reply.body();
          if (answer.containsKey("error")) {
            return Future.failedFuture(ProtocolException.fromJson(answer.getJsonObject("error")));
          }
          if (closed) {
            gw.vertx.eventBus().publish(Addresses.SUBSCRIPTION_DISCONNECT, new JsonObject().put("connectionId", id));
            return Future.failedFuture(new ProtocolException(ErrorCode.BAD_REQUEST, "connection closed"));
          }
          registered = true;
          adopt(user);
          return Future.<Void>succeededFuture();
        });
  }

  /** Serves {@code user} while the subscription role cannot count the connection; subscribe registers it later. */
  void adoptUncounted(Principal user) {
    log.warn("subscription service unavailable; connection not yet counted for its user");
    registered = false;
    adopt(user);
  }

  private void adopt(Principal user) {
    boolean changed = principal == null || !principal.equals(user);
    if (!released) {
      gw.counters.userChanged(principal, user); // connections by tier (quotecast_connections{tier})
    }
    principal = user;
    tier = gw.tier(user);
    if (authTimer >= 0) {
      gw.vertx.cancelTimer(authTimer);
      authTimer = -1;
    }
    scheduleExpiry();
    gw.traces.attach(this);
    if (changed) {
      log.info("user {} tier {} scopes {}{}", user.userId(), user.tier(), user.scopes(),
          user.anonymous() ? " (anonymous)" : "");
    }
  }

  /** A {@code notice} token_expiring ahead of {@code exp}, and close 1008 when the token expires unrefreshed. */
  private void scheduleExpiry() {
    cancelExpiryTimers();
    long expiresAt = principal.expiresAtMs();
    if (expiresAt <= 0) {
      return;
    }
    long now = System.currentTimeMillis();
    long noticeIn = Math.max(1, expiresAt - gw.auth.expiryNoticeMs() - now);
    noticeTimer = gw.vertx.setTimer(noticeIn, t -> {
      noticeTimer = -1;
      JsonObject data = new JsonObject().put("event", "token_expiring").put("expiresAt", expiresAt)
          .put("message", "the token expires at " + java.time.Instant.ofEpochMilli(expiresAt)
              + "; send {\"op\":\"auth\",\"args\":{\"token\":..}} with a fresh one to stay connected");
      send(new OutboundMessage(Envelope.message(MessageTypes.NOTICE, System.currentTimeMillis()).put("data", data)
          .encode()));
    });
    long closeIn = Math.max(1, expiresAt + gw.auth.leewaySeconds() * 1000 - now);
    expiryTimer = gw.vertx.setTimer(closeIn, t -> {
      expiryTimer = -1;
      log.info("closing connection: token expired");
      close(MessageTypes.CLOSE_POLICY, "token expired");
    });
  }

  private void cancelExpiryTimers() {
    if (noticeTimer >= 0) {
      gw.vertx.cancelTimer(noticeTimer);
      noticeTimer = -1;
    }
    if (expiryTimer >= 0) {
      gw.vertx.cancelTimer(expiryTimer);
      expiryTimer = -1;
    }
  }

  // ---- moving to other nodes -----------------------------------------------------------------------------------

  /**
   * Asks the client to reconnect elsewhere ({@code notice} rebalance, PROTOCOL.md §7): it should connect to one of
   * {@code endpoints} after {@code reconnectAfterMs}; this side closes with 1001 a grace period after that unless the
   * client left first.
   */
  void askToMove(long reconnectAfterMs, List<String> endpoints) {
    if (closed || askedToMove) {
      return;
    }
    askedToMove = true;
    notice("rebalance", reconnectAfterMs, endpoints, "this node is busier than others; please reconnect to "
        + (endpoints.isEmpty() ? "another node" : endpoints.get(0)) + " in " + reconnectAfterMs + " ms");
    log.info("asked to move (rebalance) in {} ms", reconnectAfterMs);
    moveTimer = gw.vertx.setTimer(reconnectAfterMs + RebalancePlanner.GRACE_MS, t -> {
      moveTimer = -1;
      close(MessageTypes.CLOSE_GOING_AWAY, "rebalance");
    });
  }

  /** The node shuts down: tell the client when and where to reconnect, then close 1012 (PROTOCOL.md §7–§8). */
  void shutdown(long reconnectAfterMs, List<String> endpoints) {
    if (closed) {
      return;
    }
    notice("shutdown", reconnectAfterMs, endpoints, "this node is restarting; please reconnect"
        + (endpoints.isEmpty() ? "" : " to " + endpoints.get(0)) + " in " + reconnectAfterMs + " ms");
    close(MessageTypes.CLOSE_RESTARTING, "restarting");
  }

  /**
   * The node sheds load (PROTOCOL.md §8, 1013): tell the client when and where to reconnect ({@code notice
   * overloaded}), then close with 1013.
   */
  void shed(long reconnectAfterMs, List<String> endpoints, String reason) {
    if (closed) {
      return;
    }
    notice(MessageTypes.NOTICE_OVERLOADED, reconnectAfterMs, endpoints, "this node is overloaded and sheds "
        + tier.tier() + "-tier connections; please reconnect"
        + (endpoints.isEmpty() ? "" : " to " + endpoints.get(0)) + " in " + reconnectAfterMs + " ms");
    log.info("shed (overload), tier {}", tier.tier());
    close(MessageTypes.CLOSE_OVERLOADED, reason);
  }

  private void notice(String event, long reconnectAfterMs, List<String> endpoints, String message) {
    JsonObject data = new JsonObject().put("event", event).put("reconnectAfterMs", reconnectAfterMs)
        .put("endpoints", new JsonArray(new ArrayList<>(endpoints))).put("message", message);
    send(new OutboundMessage(Envelope.message(MessageTypes.NOTICE, System.currentTimeMillis()).put("data", data)
        .encode()));
  }

  // ---- overload: slowed subscriptions ---------------------------------------------------------------------------

  /**
   * The freq to deliver {@code sub} at when it asks for {@code own}: {@code own}, or slower while this connection is
   * degraded (then {@code own} is remembered and restored when the degradation ends).
   */
  Freq deliveryFreq(Subscription sub, Freq own) {
    return degradation == null ? own : degradation.slow(sub, own);
  }

  /** The freq {@code sub} asked for: its current one, unless the overload slowed it. */
  Freq ownFreq(Subscription sub) {
    return degradation == null ? sub.freq : degradation.own(sub);
  }

  /** The subscription ended: nothing to restore for it. */
  void forgetFreq(Subscription sub) {
    if (degradation != null) {
      degradation.forget(sub);
    }
  }

  boolean degraded() {
    return degradation != null;
  }

  /** Subscriptions delivered slower than they asked, because of the overload. */
  int degradedSubscriptions() {
    return degradation == null ? 0 : degradation.slowed();
  }

  /**
   * The node slows this connection's tier: every subscription is delivered at most every {@code minFreq} (its own freq
   * remembered), and the client is told with {@code notice degraded} ({@code active: true}, the new {@code minFreq}
   * and the subscriptions whose freq changed in {@code updated}). Again with the same freq: nothing happens.
   */
  void degrade(Freq minFreq) {
    if (closed || (degradation != null && degradation.minFreq == minFreq)) {
      return;
    }
    Degradation earlier = degradation;
    Degradation next = new Degradation(minFreq);
    long now = System.currentTimeMillis();
    JsonArray updated = new JsonArray();
    for (Subscription sub : subscriptions.values()) {
      Freq own = earlier == null ? sub.freq : earlier.own(sub);
      changeFreq(sub, next.slow(sub, own), now, updated);
    }
    degradation = next;
    log.info("degraded (overload): at most every {}, {} subscriptions slowed", minFreq.wire(), updated.size());
    degradedNotice(true, updated, "this node is overloaded: " + tier.tier() + "-tier subscriptions are delivered at "
        + "most every " + minFreq.wire() + " until it recovers");
  }

  /**
   * The degradation ends: every subscription gets its own freq back, and the client a {@code notice degraded} with
   * {@code active: false} listing them in {@code updated}.
   */
  void restore() {
    Degradation ended = degradation;
    if (ended == null) {
      return;
    }
    degradation = null;
    if (closed) {
      return;
    }
    long now = System.currentTimeMillis();
    JsonArray updated = new JsonArray();
    for (Subscription sub : subscriptions.values()) {
      changeFreq(sub, ended.own(sub), now, updated);
    }
    log.info("degradation ended: {} subscriptions back at their own freq", updated.size());
    degradedNotice(false, updated, "the overload is over: subscriptions are delivered at their own freq again");
  }

  private void changeFreq(Subscription sub, Freq freq, long now, JsonArray updated) {
    ChannelFeed feed = gw.feeds.get(sub.key);
    if (feed != null && sub.freq != freq) {
      feed.changeFreq(sub, freq, now);
      updated.add(new JsonObject().put("ch", sub.key.toString()).put("freq", freq.wire()));
    }
  }

  private void degradedNotice(boolean active, JsonArray updated, String message) {
    JsonObject data = new JsonObject().put("event", MessageTypes.NOTICE_DEGRADED).put("active", active);
    if (active) {
      data.put("minFreq", degradation.minFreq.wire());
    }
    data.put("updated", updated).put("message", message);
    send(new OutboundMessage(Envelope.message(MessageTypes.NOTICE, System.currentTimeMillis()).put("data", data)
        .encode()));
  }

  // ---- delivery -------------------------------------------------------------------------------------------------

  /**
   * Writes a channel message for {@code sub}. While the socket's send queue is full, a state message ({@code
   * droppable}) is held as the subscription's latest, replacing the one it held, and written when the queue drains
   * (PROTOCOL.md §6); every message arriving meanwhile counts as conflated. A trade or closed bar cannot wait without
   * the queue growing, so the connection is closed as a slow consumer (4008) and the client recovers by reconnecting.
   * The fast path (queue not full, nothing held) allocates nothing per subscriber.
   */
  void deliver(Subscription sub, OutboundMessage message, long seq, String epoch, long now, boolean droppable) {
    if (closed) {
      return;
    }
    if (transport.isClosed()) {
      closed = true; // the socket went away; its close handler releases the subscriptions
      return;
    }
    if (!held.isEmpty() && !transport.writeQueueFull()) {
      // The queue has room but the drain event has not run yet (or never will, if the transport missed the
      // transition): held values go first, oldest waiter first, so none waits behind newer traffic.
      onDrain();
    }
    if (transport.writeQueueFull()) {
      if (droppable) {
        held.hold(sub, message, seq, epoch);
        sub.conflated++;
        gw.counters.conflated.increment();
        return;
      }
      log.info("closing connection: send queue full ({} bytes) and {} cannot be conflated", gw.writeQueueBytes,
          sub.key);
      gw.counters.dropped.increment();
      dropped++;
      close(MessageTypes.CLOSE_SLOW_CONSUMER, "slow consumer");
      return;
    }
    send(message);
    sub.delivered(seq, epoch, now);
    if (sub.trace != null) {
      sub.trace.wrote(sub, message, seq, now);
    }
  }

  /** The send queue drained: write the held latest values, oldest waiter first, until it is full again. */
  private void onDrain() {
    overflowBytes = 0;
    if (closed || held.isEmpty()) {
      return;
    }
    held.drain(drainSink);
  }

  private final PendingLatest.Sink drainSink = new PendingLatest.Sink() {
    @Override
    public boolean full() {
      return closed || transport.writeQueueFull();
    }

    @Override
    public boolean live(Subscription sub) {
      return subscriptions.get(sub.key.toString()) == sub;
    }

    @Override
    public void write(Subscription sub, OutboundMessage message, long seq, String epoch) {
      long now = System.currentTimeMillis();
      send(message);
      sub.delivered(seq, epoch, now);
      if (sub.trace != null) {
        sub.trace.wrote(sub, message, seq, now);
      }
    }
  };

  void send(OutboundMessage message) {
    if (closed) {
      return;
    }
    if (transport.isClosed()) {
      closed = true;
      return;
    }
    if (trace != null) {
      trace.out(this, message, System.currentTimeMillis());
    }
    if (transport.writeQueueFull()) {
      // Only replies and notices get here while the queue is full (deliver holds or closes). They cannot be
      // dropped, but a client that keeps asking without reading must not grow the queue without bound either.
      overflowBytes += message.byteLength();
      if (overflowBytes > gw.writeQueueBytes) {
        log.info("closing connection: replies to a client that does not read exceed {} bytes", gw.writeQueueBytes);
        close(MessageTypes.CLOSE_SLOW_CONSUMER, "slow consumer");
        return;
      }
    }
    if (batchMs > 0) {
      batch.add(message);
      batchBytes += message.byteLength();
      // A batch is written as one frame whatever the queue holds, so it is kept under the queue's bound too.
      if (batchBytes >= Math.min(MAX_BATCH_BYTES, gw.writeQueueBytes)) {
        flushBatch();
      } else if (batchTimer < 0) {
        batchTimer = gw.vertx.setTimer(batchMs, t -> {
          batchTimer = -1;
          flushBatch();
        });
      }
      return;
    }
    write(message);
  }

  private void write(OutboundMessage message) {
    transport.write(message);
    sent++;
    bytesSent += message.byteLength();
    gw.counters.messagesOut.increment();
    gw.counters.bytesOut.add(message.byteLength());
  }

  /** Sends what the batch holds as one frame: one message as itself, several as a {@code batch} message. */
  void flushBatch() {
    if (batchTimer >= 0) {
      gw.vertx.cancelTimer(batchTimer);
      batchTimer = -1;
    }
    if (batch.isEmpty() || closed) {
      batch.clear();
      batchBytes = 0;
      return;
    }
    if (batch.size() == 1) {
      write(batch.get(0));
    } else {
      StringBuilder sb = new StringBuilder(batchBytes + 64)
          .append("{\"type\":\"batch\",\"ts\":").append(System.currentTimeMillis()).append(",\"data\":[");
      for (int i = 0; i < batch.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        sb.append(batch.get(i).text());
      }
      write(new OutboundMessage(sb.append("]}").toString()));
      // count messages, not frames, batched or not (bytes are the frame's, before any compression)
      sent += batch.size() - 1;
      gw.counters.messagesOut.add(batch.size() - 1);
    }
    batch.clear();
    batchBytes = 0;
  }

  /**
   * A new batch period applies from the next message: what the old period holds goes out now, so nothing waits
   * longer than the period it was queued under, and a shorter period is not stuck behind a longer timer.
   */
  void setBatch(int ms) {
    if (ms != batchMs) {
      flushBatch();
    }
    batchMs = ms;
  }

  void reply(String requestId, JsonObject data) {
    send(new OutboundMessage(Envelope.result(requestId, data, System.currentTimeMillis())));
  }

  void replyError(String requestId, ProtocolException e) {
    gw.counters.errors(e.code()).increment();
    send(new OutboundMessage(Envelope.error(requestId, e, System.currentTimeMillis())));
  }

  // ---- requests -------------------------------------------------------------------------------------------------

  private void onText(String text) {
    long now = System.currentTimeMillis();
    lastActivity = now;
    received++;
    gw.counters.messagesIn.increment();
    gw.counters.bytesIn.add(text.length());
    if (trace != null) {
      trace.in(this, text, now);
    }
    ClientRequest request;
    try {
      request = ClientRequest.parse(text, gw.maxMessageBytes);
    } catch (ClientRequest.Malformed e) {
      replyError(e.requestId, e.error);
      malformed(now);
      return;
    }
    if (!rate.tryAcquire(now)) {
      if (rate.abusing()) {
        log.info("closing connection: {} requests refused within {} ms (limits.requestsPerSecond {})",
            gw.rateLimitedCloseAfter, RequestRate.ABUSE_WINDOW_MS, gw.requestsPerSecond);
        replyError(request.id(), new ProtocolException(ErrorCode.RATE_LIMITED, "request rate exceeded repeatedly",
            new JsonObject().put("retryAfterMs", rate.retryAfterMs(now))));
        close(MessageTypes.CLOSE_RATE_LIMITED, "request rate exceeded");
        return;
      }
      replyError(request.id(), new ProtocolException(ErrorCode.RATE_LIMITED,
          "more than " + gw.requestsPerSecond + " requests per second (burst " + gw.requestBurst + ")",
          new JsonObject().put("retryAfterMs", rate.retryAfterMs(now))));
      return;
    }
    if (pendingRequests >= MAX_PENDING_REQUESTS) {
      replyError(request.id(), new ProtocolException(ErrorCode.RATE_LIMITED,
          "too many requests in flight (" + MAX_PENDING_REQUESTS + "); wait for replies",
          new JsonObject().put("retryAfterMs", 1000)));
      return;
    }
    pendingRequests++;
    // One request at a time per connection: replies keep request order and every request sees the previous one's
    // effect (e.g. subscribe then unsubscribe).
    requestChain = requestChain.transform(ignored -> requests.handle(request).andThen(done -> pendingRequests--));
  }

  private void malformed(long now) {
    gw.counters.malformed.increment();
    if (now - malformedWindowStart > gw.malformedWindowMs) {
      malformedWindowStart = now;
      malformedInWindow = 0;
    }
    if (++malformedInWindow >= gw.malformedLimit) {
      log.info("closing connection: {} malformed messages within {} ms", malformedInWindow, gw.malformedWindowMs);
      close(MessageTypes.CLOSE_MALFORMED, "repeated malformed messages");
    }
  }

  // ---- lifecycle ------------------------------------------------------------------------------------------------

  void heartbeat(long now) {
    if (closed) {
      return;
    }
    if (now - lastActivity > gw.idleTimeoutMs) {
      close(MessageTypes.CLOSE_HEARTBEAT, "heartbeat timeout");
      return;
    }
    if (now - lastPing >= gw.heartbeatMs) {
      lastPing = now;
      pingSentAt = System.nanoTime();
      transport.ping();
    }
  }

  /** A pong (or other sign of life that is not a message): the client is alive, and the ping's round trip known. */
  private void pong() {
    lastActivity = System.currentTimeMillis();
    if (pingSentAt != 0) {
      rttNanos = System.nanoTime() - pingSentAt;
      pingSentAt = 0;
    }
  }

  /** The last WebSocket ping's round trip in ms, or null before the first pong (and always over SockJS). */
  Double rttMs() {
    return rttNanos < 0 ? null : Math.round(rttNanos / 1_000.0) / 1_000.0;
  }

  /** Subscriptions holding back a state message while the send queue is full. */
  int heldCount() {
    return held.size();
  }

  int pendingRequests() {
    return pendingRequests;
  }

  void close(short code, String reason) {
    if (closed) {
      return;
    }
    flushBatch();
    closed = true;
    gw.counters.closes(code).increment();
    transport.close(code, reason);
    // Release on the next turn of the event loop: close may be called while a feed iterates its subscribers.
    gw.vertx.runOnContext(v -> release());
  }

  private void onClosed() {
    closed = true;
    release();
  }

  private boolean released;

  /** Gives back every subscription, feed reference and counter of this connection. Idempotent. */
  private void release() {
    if (released) {
      return;
    }
    released = true;
    if (batchTimer >= 0) {
      gw.vertx.cancelTimer(batchTimer);
      batchTimer = -1;
    }
    if (authTimer >= 0) {
      gw.vertx.cancelTimer(authTimer);
      authTimer = -1;
    }
    cancelExpiryTimers();
    if (moveTimer >= 0) {
      gw.vertx.cancelTimer(moveTimer);
      moveTimer = -1;
    }
    batch.clear();
    degradation = null;
    gw.counters.dropped.add(held.size());
    dropped += held.size();
    held.clear();
    if (!subscriptions.isEmpty()) {
      JsonArray channels = new JsonArray();
      for (Subscription sub : subscriptions.values()) {
        requests.detach(sub);
        channels.add(sub.key.toString());
      }
      subscriptions.clear();
      gw.vertx.eventBus().publish(Addresses.SUBSCRIPTION_RELEASED,
          new JsonObject().put("connectionId", id).put("channels", channels));
    }
    // Always, not only when registered: a connect request that timed out here may still have been counted there.
    gw.vertx.eventBus().publish(Addresses.SUBSCRIPTION_DISCONNECT, new JsonObject().put("connectionId", id));
    gw.sessions.remove(this);
    gw.counters.connections.decrementAndGet();
    gw.counters.userChanged(principal, null);
    log.debug("connection released");
  }

  JsonObject connectionJson() {
    return new JsonObject()
        .put("connectionId", id).put("transport", transport.name()).put("client", clientName)
        .put("remoteAddress", transport.remoteAddress())
        .put("user", principal == null ? null : principal.userId())
        .put("connectedAt", connectedAt).put("sent", sent).put("received", received).put("bytesSent", bytesSent)
        .put("batch", batchMs);
  }
}
