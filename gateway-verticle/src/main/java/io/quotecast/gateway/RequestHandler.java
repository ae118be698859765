package io.quotecast.gateway;

import io.quotecast.common.Addresses;
import io.quotecast.common.ChannelKey;
import io.quotecast.common.Envelope;
import io.quotecast.common.ErrorCode;
import io.quotecast.common.Freq;
import io.quotecast.common.Listing;
import io.quotecast.common.MessageTypes;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.Publication;
import io.quotecast.common.auth.Principal;
import io.quotecast.common.auth.Scopes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** The ops of PROTOCOL.md §4 for one session. Every request gets exactly one reply, sent from here. */
final class RequestHandler {
  private static final Logger LOG = LoggerFactory.getLogger(RequestHandler.class);
  static final int MAX_BATCH_MS = 1000;

  private final Gateway gw;
  private final Session session;
  /** Created on the first request with {@code since} (most connections never send one). */
  private Recovery recovery;

  RequestHandler(Gateway gw, Session session) {
    this.gw = gw;
    this.session = session;
  }

  /** Handles one request and replies; the future completes (never fails) once the reply is sent. */
  Future<Void> handle(ClientRequest request) {
    Future<Void> handled;
    try {
      handled = dispatch(request);
    } catch (ProtocolException e) {
      handled = Future.failedFuture(e);
    } catch (RuntimeException e) {
      handled = Future.failedFuture(e);
    }
    return handled.recover(failure -> {
      ProtocolException error = failure instanceof ProtocolException pe ? pe : internal(request, failure);
      session.replyError(request.id(), error);
      return Future.succeededFuture();
    });
  }

  private ProtocolException internal(ClientRequest request, Throwable failure) {
    session.log.request(Level.ERROR, request.id(), "internal error on op {}", request.op(), failure);
    return new ProtocolException(ErrorCode.INTERNAL, "internal error; reported with connection " + session.id
        + " and request " + request.id());
  }

  private Future<Void> dispatch(ClientRequest request) {
    RequestArgs args = new RequestArgs(request.args());
    if (session.principal == null && !request.op().equals(MessageTypes.OP_AUTH)
        && !request.op().equals(MessageTypes.OP_PING) && MessageTypes.OPS.contains(request.op())) {
      throw new ProtocolException(ErrorCode.UNAUTHORIZED, "authenticate first: send {\"op\":\"auth\",\"args\":"
          + "{\"token\":\"<jwt>\"}} within " + gw.auth.authTimeoutMs() + " ms of connecting");
    }
    switch (request.op()) {
      case MessageTypes.OP_SUBSCRIBE:
        return subscribe(request.id(), args);
      case MessageTypes.OP_UNSUBSCRIBE:
        return replied(request, unsubscribe(args));
      case MessageTypes.OP_UPDATE:
        return replied(request, update(args));
      case MessageTypes.OP_LIST:
        return replied(request, list());
      case MessageTypes.OP_SNAPSHOT:
        return snapshot(request, args);
      case MessageTypes.OP_ACK:
        return replied(request, ack(args));
      case MessageTypes.OP_PING:
        return replied(request, new JsonObject().put("serverTime", System.currentTimeMillis()));
      case MessageTypes.OP_CONFIGURE:
        return replied(request, configure(args));
      case MessageTypes.OP_AUTH:
        return auth(request, args);
      case MessageTypes.OP_RESUME:
        return resume(request.id(), args);
      default:
        throw new ProtocolException(ErrorCode.UNAVAILABLE, "op '" + request.op()
            + "' is not available on this server yet", new JsonObject().put("retryAfterMs", 0));
    }
  }

  private Future<Void> replied(ClientRequest request, JsonObject data) {
    session.reply(request.id(), data);
    return Future.succeededFuture();
  }

  // ---- subscribe ------------------------------------------------------------------------------------------------

  private Future<Void> subscribe(String requestId, RequestArgs args) {
    List<String> channels = args.channels();
    String freq = args.string("freq");
    boolean snapshot = args.bool("snapshot", true);
    Map<String, Catchup> since = args.since();
    JsonObject check = new JsonObject()
        .put("connectionId", session.id)
        .put("channels", new JsonArray(new ArrayList<>(channels)))
        .put("existing", new JsonArray(new ArrayList<>(session.subscriptions.keySet())));
    if (freq != null) {
      check.put("freq", freq);
    }
    return check(check, true).compose(body -> accept(requestId, body.getJsonArray("accepted"),
        body.getJsonArray("rejected"), snapshot, since));
  }

  /**
   * Asks the subscription verticle, registering the connection first when it is not counted yet (the subscription
   * role was down at connect, or restarted and forgot it: then it answers UNAUTHORIZED "not registered", and the
   * check is retried once after registering).
   */
  private Future<JsonObject> check(JsonObject check, boolean mayRetry) {
    Future<Void> registered = session.registered ? Future.succeededFuture()
        : session.register(session.principal).recover(this::closeIfOverUserLimit);
    return registered
        .compose(v -> gw.vertx.eventBus().<JsonObject>request(Addresses.SUBSCRIPTION_CHECK, check)
            .recover(failure -> Future.failedFuture(new ProtocolException(ErrorCode.UNAVAILABLE,
                "subscription service unavailable: " + failure.getMessage(),
                new JsonObject().put("retryAfterMs", 1000)))))
        .compose(reply -> {
          JsonObject body = reply.body();
          if (!body.containsKey("error")) {
            return Future.succeededFuture(body);
          }
          ProtocolException error = ProtocolException.fromJson(body.getJsonObject("error"));
          if (mayRetry && error.code() == ErrorCode.UNAUTHORIZED) {
            session.registered = false;
            return check(check, false);
          }
          return Future.failedFuture(error);
        });
  }

  /**
   * A connection that the subscription verticle refuses to count for its user (connectionsPerUser) is closed with
   * 4029 once the request's error reply is out, as it would have been at connect.
   */
  private Future<Void> closeIfOverUserLimit(Throwable failure) {
    if (failure instanceof ProtocolException pe && pe.code() == ErrorCode.LIMIT_EXCEEDED) {
      gw.vertx.runOnContext(v -> session.close(MessageTypes.CLOSE_RATE_LIMITED, pe.getMessage()));
    }
    return Future.failedFuture(failure);
  }

  /**
   * Joins the accepted channels. Each channel's feed is reserved and its state made known (a fresh feed asks the
   * symbol's owner) before anything is sent; then, in one turn of the event loop, the reply, each channel's snapshot
   * and from then on the live data — so nothing interleaves and a joiner continues exactly where the others are.
   * Channels with {@code since} first gather what the client missed ({@link Recovery}); the join then happens in the
   * turn in which all of them are caught up to the feed or known lost.
   */
  private Future<Void> accept(String requestId, JsonArray accepted, JsonArray rejected, boolean snapshot,
                              Map<String, Catchup> since) {
    List<ChannelKey> keys = new ArrayList<>();
    List<Freq> freqs = new ArrayList<>();
    List<ChannelFeed> feeds = new ArrayList<>();
    List<Future<Publication>> states = new ArrayList<>();
    for (int i = 0; i < accepted.size(); i++) {
      JsonObject entry = accepted.getJsonObject(i);
      ChannelKey key = ChannelKey.parse(entry.getString("ch"));
      keys.add(key);
      freqs.add(Freq.fromWire(entry.getString("freq")));
      ChannelFeed feed = gw.feeds.reserve(key);
      feeds.add(feed);
      states.add(feed.ready().compose(v -> feed.snapshot()));
    }
    return Future.join(states).transform(ready -> {
      boolean handedOver = false;
      try {
        if (ready.failed()) {
          releaseCounted(accepted, keys);
          return Future.failedFuture(ready.cause()); // a consumer could not register: INTERNAL
        }
        if (session.isClosed()) {
          // Closed while the feeds were being set up: give back what the policy counted.
          releaseCounted(accepted, keys);
          return Future.succeededFuture();
        }
        Map<String, Recovery.Item> recovering = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
          Catchup catchup = since.get(keys.get(i).toString());
          if (catchup != null) {
            recovering.put(keys.get(i).toString(), new Recovery.Item(keys.get(i), feeds.get(i),
                session.subscriptions.get(keys.get(i).toString()), catchup));
          }
        }
        if (recovering.isEmpty()) {
          join(requestId, keys, freqs, feeds, rejected, snapshot, null);
          return Future.succeededFuture();
        }
        // The feeds stay reserved while the owners are asked, so none is released under the subscribe.
        handedOver = true;
        return recovery().settle(new ArrayList<>(recovering.values()), () -> {
          if (session.isClosed()) {
            releaseCounted(accepted, keys);
          } else {
            join(requestId, keys, freqs, feeds, rejected, snapshot, recovering);
          }
        }).onComplete(ar -> feeds.forEach(gw.feeds::unreserve));
      } finally {
        if (!handedOver) {
          feeds.forEach(gw.feeds::unreserve);
        }
      }
    });
  }

  private Recovery recovery() {
    if (recovery == null) {
      recovery = new Recovery(gw.vertx, gw.feeds.snapshots, Recovery.limits(gw.settings));
    }
    return recovery;
  }

  /**
   * Joins in one turn. A channel in {@code recovering} (may be null) gets what it missed before the reply and is then
   * joined without a snapshot, continuing from the feed's latest (which the replay ended at); one that cannot be
   * recovered is listed in notRecovered and gets a snapshot after the reply, whatever {@code snapshot} says.
   */
  private void join(String requestId, List<ChannelKey> keys, List<Freq> freqs, List<ChannelFeed> feeds,
                    JsonArray rejected, boolean snapshot, Map<String, Recovery.Item> recovering) {
    long now = System.currentTimeMillis();
    JsonArray subscribed = new JsonArray();
    JsonArray recovered = new JsonArray();
    JsonArray notRecovered = new JsonArray();
    List<Runnable> afterReply = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      ChannelKey key = keys.get(i);
      ChannelFeed feed = feeds.get(i);
      Publication snap = feed.latest;
      Subscription existing = session.subscriptions.get(key.toString());
      Subscription sub = existing != null ? existing : new Subscription(session, key, freqs.get(i), now);
      // The policy's freq (raised to the tier's minFreq), slower still while the node degrades this tier.
      Freq freq = session.deliveryFreq(sub, freqs.get(i));
      subscribed.add(new JsonObject().put("ch", key.toString()).put("freq", freq.wire())
          .put("seq", snap == null ? 0 : snap.seq()).put("epoch", snap == null ? null : snap.epoch()));
      Recovery.Item item = recovering == null ? null : recovering.get(key.toString());
      boolean replayed = false;
      if (item != null) {
        // Checked against the subscription this turn sees (one may have appeared or gone while the owners were asked).
        Recovery.Item current = item.existing == existing ? item : new Recovery.Item(key, feed, existing, item.catchup);
        replayed = replay(existing, current, now);
        (replayed ? recovered : notRecovered).add(key.toString());
      }
      boolean sendSnapshot = item == null ? snapshot : !replayed;
      if (existing != null) {
        // Subscribing again: the freq changes in place, and the current state is sent again if asked.
        afterReply.add(() -> {
          feed.changeFreq(existing, freq, now);
          if (sendSnapshot && snap != null) {
            session.deliver(existing, new OutboundMessage(Envelope.channelMessage(snap, now,
                Envelope.snapshotMeta(snap.epoch()))), snap.seq(), snap.epoch(), now, false);
          }
        });
      } else {
        sub.freq = freq;
        session.subscriptions.put(key.toString(), sub);
        gw.traces.attach(sub);
        gw.counters.subscriptions.incrementAndGet();
        if (replayed) {
          deliverReplay(sub, item.catchup.toSend(snap.seq()), now);
        }
        afterReply.add(() -> feed.join(sub, sendSnapshot, now));
      }
    }
    JsonObject reply = new JsonObject().put("subscribed", subscribed).put("rejected", rejected);
    if (recovering != null) {
      reply.put("recovered", recovered).put("notRecovered", notRecovered);
    }
    session.reply(requestId, reply);
    afterReply.forEach(Runnable::run);
  }

  /**
   * For a subscription already on this connection, sends what the client missed up to what the connection was sent
   * (the live stream continues after it); for a new one, only decides (the caller sends once the subscription
   * exists). False when the channel cannot be recovered.
   */
  private boolean replay(Subscription existing, Recovery.Item item, long now) {
    List<Publication> missed = item.replay(recovery().limits, now);
    if (missed == null) {
      return false;
    }
    if (existing != null) {
      deliverReplay(existing, missed, now);
    }
    return true;
  }

  /**
   * Sends replayed publications; the subscription's position is left where it was (a replay of publications the
   * connection was already sent must not move it back, or the live stream would repeat them).
   */
  private void deliverReplay(Subscription sub, List<Publication> missed, long now) {
    long lastSeq = sub.lastSeq;
    String epoch = sub.epoch;
    for (ReplayShape.Message m : ReplayShape.of(sub.key.type(), sub.freq, missed, now)) {
      session.deliver(sub, m.message(), m.seq(), m.epoch(), now, false);
    }
    sub.lastSeq = lastSeq;
    sub.epoch = epoch;
  }

  // ---- resume ---------------------------------------------------------------------------------------------------

  /**
   * Re-sends, for channels subscribed on this connection, what the client says it missed (PROTOCOL.md §4, §6): the
   * replays first, then the reply with recovered/notRecovered, then a snapshot for each notRecovered channel. The live
   * stream is never paused: the replay ends at what the subscription was sent by the turn it goes out.
   */
  private Future<Void> resume(String requestId, RequestArgs args) {
    if (!args.has("since")) {
      throw ProtocolException.badRequest("since", "since is required: {\"since\": {\"<channel>\": "
          + "{\"seq\": <last seq received>, \"epoch\": \"<its epoch>\"}}}");
    }
    Map<String, Catchup> since = args.since();
    List<Subscription> subs = subscribed(new ArrayList<>(since.keySet()));
    List<Recovery.Item> items = new ArrayList<>();
    for (Subscription sub : subs) {
      items.add(new Recovery.Item(sub.key, gw.feeds.get(sub.key), sub, since.get(sub.key.toString())));
    }
    return recovery().settle(items, () -> {
      long now = System.currentTimeMillis();
      JsonArray recovered = new JsonArray();
      JsonArray notRecovered = new JsonArray();
      List<Subscription> snapshots = new ArrayList<>();
      for (Recovery.Item item : items) {
        Subscription sub = item.existing;
        if (session.subscriptions.get(sub.key.toString()) != sub) {
          notRecovered.add(sub.key.toString()); // unsubscribed meanwhile (its token was refreshed without the scope)
        } else if (replay(sub, item, now)) {
          recovered.add(sub.key.toString());
        } else {
          notRecovered.add(sub.key.toString());
          snapshots.add(sub);
        }
      }
      session.reply(requestId, new JsonObject().put("recovered", recovered).put("notRecovered", notRecovered));
      for (Subscription sub : snapshots) {
        ChannelFeed feed = gw.feeds.get(sub.key);
        Publication snap = feed == null ? null : feed.latest;
        if (snap != null) {
          session.deliver(sub, new OutboundMessage(Envelope.channelMessage(snap, now,
              Envelope.snapshotMeta(snap.epoch()))), snap.seq(), snap.epoch(), now, false);
        }
      }
    });
  }

  /** Tells the subscription verticle to forget the channels it counted for a subscribe that did not happen. */
  private void releaseCounted(JsonArray accepted, List<ChannelKey> keys) {
    JsonArray counted = new JsonArray();
    for (int i = 0; i < accepted.size(); i++) {
      if (!accepted.getJsonObject(i).getBoolean("existing", false)) {
        counted.add(keys.get(i).toString());
      }
    }
    if (!counted.isEmpty()) {
      gw.vertx.eventBus().publish(Addresses.SUBSCRIPTION_RELEASED,
          new JsonObject().put("connectionId", session.id).put("channels", counted));
    }
  }

  // ---- unsubscribe / update -------------------------------------------------------------------------------------

  /** The session's subscriptions for the named channels; NOT_SUBSCRIBED (changing nothing) if any is missing. */
  private List<Subscription> subscribed(List<String> channels) {
    List<Subscription> found = new ArrayList<>();
    JsonArray missing = new JsonArray();
    for (String text : channels) {
      ChannelKey key = ChannelKey.parse(text);
      Subscription sub = session.subscriptions.get(key.toString());
      if (sub == null) {
        missing.add(key.toString());
      } else {
        found.add(sub);
      }
    }
    if (!missing.isEmpty()) {
      throw new ProtocolException(ErrorCode.NOT_SUBSCRIBED, "not subscribed: " + String.join(", ",
          missing.stream().map(Object::toString).toList()), new JsonObject().put("channels", missing));
    }
    return found;
  }

  private JsonObject unsubscribe(RequestArgs args) {
    List<Subscription> subs;
    if (args.bool("all", false)) {
      subs = new ArrayList<>(session.subscriptions.values());
    } else {
      subs = subscribed(args.channels());
    }
    JsonArray unsubscribed = new JsonArray();
    for (Subscription sub : subs) {
      session.subscriptions.remove(sub.key.toString());
      detach(sub);
      unsubscribed.add(sub.key.toString());
    }
    if (!unsubscribed.isEmpty()) {
      gw.vertx.eventBus().publish(Addresses.SUBSCRIPTION_RELEASED,
          new JsonObject().put("connectionId", session.id).put("channels", unsubscribed.copy()));
    }
    return new JsonObject().put("unsubscribed", unsubscribed);
  }

  /** Takes a subscription out of its feed (and the feed away when unused). */
  void detach(Subscription sub) {
    session.forgetFreq(sub);
    ChannelFeed feed = gw.feeds.get(sub.key);
    if (feed != null) {
      feed.leave(sub);
      gw.feeds.releaseIfUnused(sub.key);
    }
    gw.counters.subscriptions.decrementAndGet();
  }

  private JsonObject update(RequestArgs args) {
    Freq requested = args.freq();
    if (requested == null) {
      throw ProtocolException.badRequest("freq", "freq is required");
    }
    Freq freq = requested.atLeast(session.tier.minFreq());
    List<Subscription> subs = subscribed(args.channels());
    long now = System.currentTimeMillis();
    JsonArray updated = new JsonArray();
    for (Subscription sub : subs) {
      ChannelFeed feed = gw.feeds.get(sub.key);
      Freq delivered = session.deliveryFreq(sub, freq);
      feed.changeFreq(sub, delivered, now);
      updated.add(new JsonObject().put("ch", sub.key.toString()).put("freq", delivered.wire()));
    }
    return new JsonObject().put("updated", updated);
  }

  // ---- list / snapshot / ack / configure ------------------------------------------------------------------------

  private JsonObject list() {
    JsonArray subs = new JsonArray();
    session.subscriptions.values().forEach(sub -> subs.add(sub.toJson()));
    return new JsonObject().put("subscriptions", subs).put("limits", gw.limits(session.tier))
        .put("user", session.principal.toJson())
        .put("connection", session.connectionJson());
  }

  /** The owners' current state of each channel, in request order; a channel that fails is listed in rejected. */
  private Future<Void> snapshot(ClientRequest request, RequestArgs args) {
    List<String> channels = args.channels();
    List<Future<JsonObject>> answers = new ArrayList<>();
    for (String text : channels) {
      Future<JsonObject> answer;
      try {
        ChannelKey key = ChannelKey.parse(text);
        requireScope(key);
        Listing listing = gw.symbols.get(key.symbol());
        if (listing == null) {
          throw RestApi.unknownSymbol(gw.symbols, key.symbol());
        }
        answer = gw.owner.snapshot(key).map(snap -> new JsonObject().put("ch", key.toString())
            .put("seq", snap == null ? 0 : snap.seq()).put("epoch", snap == null ? null : snap.epoch())
            .put("data", snap == null ? null : new JsonObject(snap.data())));
      } catch (ProtocolException e) {
        answer = Future.failedFuture(e);
      }
      answers.add(answer);
    }
    return Future.join(answers).transform(ignored -> {
      JsonArray snapshots = new JsonArray();
      JsonArray rejected = new JsonArray();
      for (int i = 0; i < answers.size(); i++) {
        Future<JsonObject> answer = answers.get(i);
        if (answer.succeeded()) {
          snapshots.add(answer.result());
          continue;
        }
        if (!(answer.cause() instanceof ProtocolException e)) {
          return Future.failedFuture(answer.cause());
        }
        JsonObject entry = e.toJson().put("ch", channels.get(i));
        if (e.code() == ErrorCode.INVALID_SYMBOL && !entry.containsKey("suggestions")) {
          entry.put("suggestions", RestApi.suggestions(gw.symbols, e.extra().getString("symbol", channels.get(i))));
        }
        entry.remove("symbol");
        rejected.add(entry);
      }
      session.reply(request.id(), new JsonObject().put("snapshots", snapshots).put("rejected", rejected));
      return Future.succeededFuture();
    });
  }

  private JsonObject ack(RequestArgs args) {
    JsonObject acks = args.object("acks");
    Map<Subscription, Long> updates = new LinkedHashMap<>();
    for (String ch : acks.fieldNames()) {
      Object seq = acks.getValue(ch);
      if (!(seq instanceof Number n) || n.longValue() < 0) {
        throw ProtocolException.badRequest("acks", "acks must map channels to non-negative seq numbers");
      }
      updates.put(subscribed(List.of(ch)).get(0), n.longValue());
    }
    JsonObject acked = new JsonObject();
    long now = System.currentTimeMillis();
    updates.forEach((sub, seq) -> {
      sub.acked(seq, now);
      acked.put(sub.key.toString(), seq);
    });
    return new JsonObject().put("acked", acked);
  }

  private void requireScope(ChannelKey key) {
    String scope = Scopes.forType(key.type());
    if (!session.principal.hasScope(scope)) {
      throw forbidden(key.toString(), scope);
    }
  }

  static ProtocolException forbidden(String what, String scope) {
    return new ProtocolException(ErrorCode.FORBIDDEN, what + " requires scope " + scope,
        new JsonObject().put("required", scope));
  }

  // ---- auth -----------------------------------------------------------------------------------------------------

  /**
   * Authenticates an open connection, or refreshes its token. The new token must be for the same user, unless the
   * connection was anonymous or unauthenticated. Subscriptions whose scope the new token lacks are dropped and listed
   * in {@code revoked}; those faster than a lower new tier's minFreq are slowed to it and listed in {@code updated}.
   */
  private Future<Void> auth(ClientRequest request, RequestArgs args) {
    String token = args.string("token");
    if (token == null || token.isBlank()) {
      throw ProtocolException.badRequest("token", "token is required: {\"op\":\"auth\",\"args\":{\"token\":\"<jwt>\"}}");
    }
    Principal user;
    try {
      user = gw.verifier.verifyNow(token);
    } catch (ProtocolException e) {
      session.log.request(Level.INFO, request.id(), "auth refused: {}", e.getMessage());
      throw e;
    }
    Principal current = session.principal;
    if (current != null && !current.anonymous() && !current.userId().equals(user.userId())) {
      session.log.request(Level.INFO, request.id(), "auth refused: token for another user");
      throw new ProtocolException(ErrorCode.UNAUTHORIZED, "the token is for a different user than this connection");
    }
    ProtocolException overloaded = current == null ? gw.overload.refusal(user) : null;
    if (overloaded != null) {
      // A connection's first authentication is when its tier becomes known: refused like a new connection (1013).
      session.log.request(Level.INFO, request.id(), "refused connection: {}", overloaded.getMessage());
      gw.vertx.runOnContext(v -> session.close(MessageTypes.CLOSE_OVERLOADED, gw.overload.closeReason(overloaded)));
      throw overloaded;
    }
    Future<Void> registered = session.register(user).recover(failure -> {
      if (failure instanceof ProtocolException pe && pe.code() == ErrorCode.UNAVAILABLE) {
        session.adoptUncounted(user); // as at connect: serve now, count when the subscription role answers
        return Future.succeededFuture();
      }
      // Over connectionsPerUser: an unauthenticated connection has nothing to keep, so it closes (4029); an open
      // one keeps its current user.
      return current == null ? closeIfOverUserLimit(failure) : Future.failedFuture(failure);
    });
    return registered.map(v -> {
      long now = System.currentTimeMillis();
      JsonArray revoked = new JsonArray();
      JsonArray updated = new JsonArray();
      for (Subscription sub : new ArrayList<>(session.subscriptions.values())) {
        if (!user.hasScope(Scopes.forType(sub.key.type()))) {
          session.subscriptions.remove(sub.key.toString());
          detach(sub);
          revoked.add(sub.key.toString());
        } else {
          // A lower tier applies to what is already flowing, not only to later requests.
          Freq own = session.ownFreq(sub);
          Freq slower = session.deliveryFreq(sub, own.atLeast(session.tier.minFreq()));
          if (slower != sub.freq) {
            gw.feeds.get(sub.key).changeFreq(sub, slower, now);
            updated.add(new JsonObject().put("ch", sub.key.toString()).put("freq", slower.wire()));
          }
        }
      }
      if (!revoked.isEmpty()) {
        gw.vertx.eventBus().publish(Addresses.SUBSCRIPTION_RELEASED,
            new JsonObject().put("connectionId", session.id).put("channels", revoked.copy()));
      }
      session.reply(request.id(), new JsonObject().put("user", user.toJson()).put("limits", gw.limits(session.tier))
          .put("revoked", revoked).put("updated", updated));
      gw.overload.applyTo(session); // the tier may have changed: slowed, or its own freqs back
      return null;
    });
  }

  private JsonObject configure(RequestArgs args) {
    if (args.has("batch")) {
      session.setBatch((int) args.integer("batch", 0, MAX_BATCH_MS));
    }
    return session.connectionJson();
  }
}
