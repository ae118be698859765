package io.quotecast.gateway;

import io.quotecast.common.Addresses;
import io.quotecast.common.ConfigKeys;
import io.quotecast.common.Envelope;
import io.quotecast.common.ErrorCode;
import io.quotecast.common.ReferenceData;
import io.quotecast.common.MessageTypes;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.PublicationCodec;
import io.quotecast.common.Settings;
import io.quotecast.common.SymbolDirectory;
import io.quotecast.common.auth.Bearer;
import io.quotecast.common.auth.Principal;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public port (8080): WebSocket at {@code /ws}, SockJS at {@code /sockjs}, REST at {@code /api/v1}, the demo page
 * at {@code /}. Deployed once per event loop; each instance owns its connections and its channel feeds.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  private static final int MAX_CLIENT_NAME = 128;
  /** How long a stop waits for the sessions' close handshakes before cutting connections. */
  private static final long SHUTDOWN_WAIT_MS = 2000;
  /** Set on a request whose address already paid its connection budget in {@link #admit}. */
  private static final String RATE_CHECKED = "quotecast.connectionRateChecked";

  private Gateway gw;
  private UserAdmission userAdmission;
  private HttpServer server;
  private AdminEndpoint admin;
  private long heartbeatTimer = -1;

  @Override
  public Future<?> start() {
    Settings settings = new Settings(config());
    PublicationCodec.register(vertx);
    return sharedSymbols(settings).compose(symbols -> listen(settings, symbols));
  }

  private Future<?> listen(Settings settings, SymbolDirectory symbols) {
    gw = new Gateway(vertx, settings, symbols);
    userAdmission = new UserAdmission(vertx);

    Router router = Router.router(vertx);
    router.route("/ws").handler(this::checkOrigin);
    router.route("/sockjs/*").handler(this::checkOrigin);
    router.route("/ws").handler(this::admit);
    // A SockJS client starts at /info, and a WebSocket transport URL always opens a new session: both can be refused
    // before any session exists. The polling transports' URLs also serve existing sessions, so a new session arriving
    // that way is refused after it opens (error, then close).
    router.get("/sockjs/info").handler(this::admit);
    router.get("/sockjs/websocket").handler(this::admit);
    router.get("/sockjs/:server/:session/websocket").handler(this::admit);
    router.route("/ws").handler(this::upgrade);
    // JSONP and htmlfile load as <script>/<iframe> GETs that browsers send without an Origin header, so a foreign page
    // could open sessions past the origin check; the remaining transports (websocket, xhr, eventsource) carry Origin.
    SockJSHandler sockJs = SockJSHandler.create(vertx, new SockJSHandlerOptions()
        .setHeartbeatInterval(Math.max(1000, gw.heartbeatMs))
        .setSessionTimeout(Math.max(5000, gw.idleTimeoutMs))
        .addDisabledTransport(io.vertx.ext.web.handler.sockjs.Transport.JSON_P.name())
        .addDisabledTransport(io.vertx.ext.web.handler.sockjs.Transport.HTML_FILE.name()));
    // SockJS's HTTP transports (xhr_send) POST the client's messages: they need the body, bounded like a frame.
    router.post("/sockjs/*").handler(BodyHandler.create().setBodyLimit(gw.maxMessageBytes * 2L));
    router.route("/sockjs/*").subRouter(sockJs.socketHandler(this::sockJsOpened));
    new RestApi(gw).mount(router);
    router.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
    // The client module may be imported by pages of other origins (docs/JS-CLIENT.md); it is public and static.
    router.get("/js/quotecast.js").handler(ctx -> {
      ctx.response().putHeader("Access-Control-Allow-Origin", "*");
      ctx.next();
    });
    // Revalidated on every load (ETag / Last-Modified), so an upgraded server never serves a stale page or client.
    router.route("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));

    vertx.eventBus().<JsonObject>consumer(Addresses.SOURCE_STATUS, message -> sourceChanged(message.body()));
    vertx.eventBus().<JsonObject>localConsumer(GatewayNodeVerticle.rebalanceAddress(gw.load.nodeId()),
        message -> rebalance(message.body()));
    heartbeatTimer = vertx.setPeriodic(1000, id -> {
      long now = System.currentTimeMillis();
      for (Session session : new ArrayList<>(gw.sessions)) {
        session.heartbeat(now);
      }
    });

    boolean compression = settings.getBoolean(ConfigKeys.GATEWAY_COMPRESSION_ENABLED);
    HttpServerOptions options = new HttpServerOptions()
        .setHost(settings.getString(ConfigKeys.GATEWAY_HOST))
        .setPort(settings.getInt(ConfigKeys.GATEWAY_PORT))
        // WebSocket, SockJS and REST all speak HTTP/1.1; without h2c sniffing a connection exists from its accept,
        // so HandshakeDeadline sees sockets that never send a byte
        .setHttp2ClearTextEnabled(false)
        .setMaxWebSocketFrameSize(settings.getInt(ConfigKeys.GATEWAY_MAX_FRAME_BYTES))
        .setMaxWebSocketMessageSize(settings.getInt(ConfigKeys.GATEWAY_MAX_FRAME_BYTES))
        .setPerMessageWebSocketCompressionSupported(compression)
        .setPerFrameWebSocketCompressionSupported(false) // the obsolete deflate-frame draft: never
        .setWebSocketCompressionLevel(settings.getInt(ConfigKeys.GATEWAY_COMPRESSION_LEVEL))
        .setWebSocketAllowServerNoContext(true) // a client asking to save memory is never refused compression
        .setWebSocketPreferredClientNoContext(settings.getBoolean(ConfigKeys.GATEWAY_COMPRESSION_CLIENT_NO_CONTEXT));
    HandshakeDeadline handshakes = new HandshakeDeadline(vertx,
        settings.getLong(ConfigKeys.GATEWAY_HANDSHAKE_TIMEOUT_MS), gw.counters);
    // Vert.x's options cannot skip short messages or keep server context takeover off: see PerMessageDeflate.
    PerMessageDeflate deflate = compression ? new PerMessageDeflate(
        settings.getInt(ConfigKeys.GATEWAY_COMPRESSION_LEVEL),
        settings.getBoolean(ConfigKeys.GATEWAY_COMPRESSION_SERVER_NO_CONTEXT),
        settings.getBoolean(ConfigKeys.GATEWAY_COMPRESSION_CLIENT_NO_CONTEXT),
        settings.getInt(ConfigKeys.GATEWAY_COMPRESSION_MIN_MESSAGE_BYTES)) : null;
    boolean coalesceFlushes = settings.getBoolean(ConfigKeys.GATEWAY_COALESCE_FLUSHES);
    server = vertx.createHttpServer(options)
        .connectionHandler(connection -> {
          handshakes.accepted(connection);
          if (deflate != null) {
            deflate.install(connection);
          }
          if (coalesceFlushes) {
            FlushCoalescing.install(connection);
          }
        })
        .requestHandler(request -> {
          handshakes.requested(request.connection());
          router.handle(request);
        });
    Future<JsonArray> sources = vertx.eventBus().<JsonArray>request(Addresses.SOURCE_STATES, new JsonObject())
        .map(reply -> reply.body())
        .otherwise(failure -> new JsonArray()) // the quote role may run on another node or start later
        .onSuccess(states -> gw.sources = states);
    admin = new AdminEndpoint(gw);
    return Future.all(sources, server.listen(), admin.start())
        .onSuccess(v -> gw.nodeState.ready("gateway", true, null));
  }

  /**
   * Graceful stop (node shutdown or undeploy): the node drains ({@link NodeDrain}) — refusing new connections,
   * readiness down, every session told to reconnect elsewhere, spread over {@code shutdown.drainMs} so the other nodes
   * do not take everyone at once, then closed with 1012. The server closes once their close handshakes are done
   * (bounded).
   */
  @Override
  public Future<?> stop() {
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    gw.nodeState.ready("gateway", false, "stopping");
    NodeDrain.drain(gw);
    gw.feeds.stop();
    Future<Void> adminStopped = admin == null ? Future.succeededFuture() : admin.stop();
    // The close handshakes are under way: give them time to finish before connections are cut.
    return Future.all(adminStopped, server == null ? Future.succeededFuture()
        : server.shutdown(SHUTDOWN_WAIT_MS, TimeUnit.MILLISECONDS));
  }

  /**
   * The node verticle found this node over its share: ask {@code fraction} of this instance's sessions (chosen at
   * random, each at most once) to move, each at a random moment within {@code spreadMs} so that no reconnect storm
   * follows.
   */
  private void rebalance(JsonObject request) {
    double fraction = request.getDouble("fraction", 0.0);
    long spreadMs = request.getLong("spreadMs", 0L);
    List<String> endpoints = request.getJsonArray("endpoints", new JsonArray()).stream().map(String::valueOf).toList();
    List<Session> candidates = new ArrayList<>();
    for (Session session : gw.sessions) {
      if (session.welcomed() && !session.isClosed() && !session.askedToMove) {
        candidates.add(session);
      }
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    // Each instance takes its share of the node's count; rounding at random keeps the node's total right on average.
    int count = (int) Math.min(candidates.size(), Math.floor(fraction * gw.sessions.size() + random.nextDouble()));
    Collections.shuffle(candidates, random);
    for (Session session : candidates.subList(0, count)) {
      session.askToMove(random.nextLong(spreadMs + 1), endpoints);
    }
  }

  /**
   * The symbol directory of the cluster's reference data, built once per process and shared by every gateway
   * instance (it is immutable).
   */
  private Future<SymbolDirectory> sharedSymbols(Settings settings) {
    LocalMap<String, SharedDirectory> map = vertx.sharedData().getLocalMap("quotecast.gateway.symbols");
    String file = settings.getString(ConfigKeys.SYMBOLS_LISTINGS_FILE);
    SharedDirectory cached = map.get(file);
    if (cached != null) {
      return Future.succeededFuture(cached.directory);
    }
    return ReferenceData.listings(vertx, file, settings.getLong(ConfigKeys.CLUSTER_REQUEST_TIMEOUT_MS) * 2)
        .compose(listings -> vertx.executeBlocking(() -> SymbolDirectory.of(listings), false))
        .map(directory -> {
          SharedDirectory earlier = map.putIfAbsent(file, new SharedDirectory(directory));
          return earlier != null ? earlier.directory : directory;
        });
  }

  private record SharedDirectory(SymbolDirectory directory) implements Shareable {
  }

  // ---- connections ----------------------------------------------------------------------------------------------

  /**
   * Admission before the upgrade, cheapest check first: the address's connection rate (429), the node's overload
   * level for the handshake's tier (503), a draining node or one at {@code limits.connectionsPerNode} (503 with the
   * nodes that accept instead), the user's connectionsPerUser (429). Each refusal carries Retry-After.
   */
  private void admit(RoutingContext ctx) {
    String address = gw.clientAddress.of(ctx.request().remoteAddress() == null ? null
        : ctx.request().remoteAddress().hostAddress(), ctx.request().getHeader("X-Forwarded-For"));
    long wait = gw.connectionRate.acquire(address, System.currentTimeMillis());
    if (wait > 0) {
      LOG.debug("refused {} from {}: over limits.connectionsPerIpPerSecond", ctx.request().path(), address);
      gw.counters.refusedByAddressRate.increment();
      RestApi.problem(ctx, connectionRateError(wait), 429);
      return;
    }
    ctx.put(RATE_CHECKED, true);
    Principal user = handshakeUser(ctx.request().getHeader("Authorization"), ctx.request().params());
    if (gw.overload.refusedBeforeUpgrade(ctx, user)) {
      return; // overloaded, and the handshake's tier is refused (503)
    }
    Admission admission = gw.fleet.admit(gw.counters.connections.get());
    if (!admission.accepted()) {
      LOG.debug("refused {} before the upgrade: {}", ctx.request().path(), admission.closeReason());
      gw.counters.refused.increment();
      RestApi.problem(ctx, admission.error(), 503);
      return;
    }
    // only an upgrade opens a connection (SockJS's /info does not); anonymous connections are not pooled per user
    if (!ctx.request().canUpgradeToWebSocket() || user == null || user.anonymous()) {
      ctx.next();
      return;
    }
    // Held while the subscription role answers: a request that ends meanwhile can no longer be upgraded.
    ctx.request().pause();
    userAdmission.refusal(user).onSuccess(refusal -> {
      if (refusal == null) {
        ctx.next();
      } else {
        LOG.debug("refused {} before the upgrade: {}", ctx.request().path(), refusal.getMessage());
        gw.counters.refused.increment();
        ctx.request().resume();
        RestApi.problem(ctx, refusal, 429);
      }
    });
  }

  /** The token of a handshake: {@code Authorization: Bearer}, else {@code ?token=}; null when there is none. */
  private static String handshakeToken(String authorization, MultiMap params) {
    String token = Bearer.token(authorization);
    if (token == null) {
      String fromQuery = params.get("token");
      token = fromQuery == null || fromQuery.isBlank() ? null : fromQuery.trim();
    }
    return token;
  }

  /**
   * The user a handshake's token names; without a token the anonymous user (null when anonymous access is off); null
   * for a token the session will refuse after the upgrade.
   */
  private Principal handshakeUser(String authorization, MultiMap params) {
    String token = handshakeToken(authorization, params);
    if (token == null) {
      return gw.anonymousPrincipal();
    }
    try {
      return gw.verifier.verifyNow(token);
    } catch (ProtocolException e) {
      return null;
    }
  }

  private void upgrade(RoutingContext ctx) {
    if (!ctx.request().canUpgradeToWebSocket()) {
      RestApi.problem(ctx, ProtocolException.badRequest("upgrade",
          "this endpoint speaks WebSocket; use ws://host:port/ws or the SockJS endpoint /sockjs"), 400);
      return;
    }
    MultiMap params = ctx.request().params();
    String authorization = ctx.request().getHeader("Authorization");
    ctx.request().toWebSocket()
        .onSuccess(ws -> opened(new WebSocketTransport(ws, gw.writeQueueBytes), params, authorization))
        .onFailure(failure -> LOG.debug("WebSocket upgrade failed: {}", failure.getMessage()));
  }

  private void sockJsOpened(SockJSSocket socket) {
    SockJsTransport transport = new SockJsTransport(socket, gw.writeQueueBytes);
    // A session opened over a polling transport was not admitted before an upgrade: its address pays here.
    RoutingContext ctx = socket.routingContext();
    if (ctx == null || ctx.get(RATE_CHECKED) == null) {
      String address = gw.clientAddress.of(socket.remoteAddress() == null ? null
          : socket.remoteAddress().hostAddress(), socket.headers().get("X-Forwarded-For"));
      long wait = gw.connectionRate.acquire(address, System.currentTimeMillis());
      if (wait > 0) {
        ProtocolException error = connectionRateError(wait);
        gw.counters.refusedByAddressRate.increment();
        gw.counters.errors(error.code()).increment();
        gw.counters.closes(MessageTypes.CLOSE_RATE_LIMITED).increment();
        transport.write(new OutboundMessage(Envelope.error(null, error, System.currentTimeMillis())));
        transport.close(MessageTypes.CLOSE_RATE_LIMITED, "too many new connections from this address");
        return;
      }
    }
    MultiMap params = MultiMap.caseInsensitiveMultiMap();
    new QueryStringDecoder(socket.uri()).parameters().forEach(params::add);
    opened(transport, params, socket.headers().get("Authorization"));
  }

  private ProtocolException connectionRateError(long waitMs) {
    return new ProtocolException(ErrorCode.RATE_LIMITED, "too many new connections from this address; retry in "
        + waitMs + " ms", new JsonObject().put("retryAfterMs", waitMs).put("limit", "connectionsPerIpPerSecond"));
  }

  /** Browsers from origins that are not allowed never reach a session: 403 before any upgrade (PROTOCOL.md §9). */
  private void checkOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (gw.origins.allows(origin, ctx.request().getHeader("Host"), gw.fleet.urls())) {
      ctx.next();
      return;
    }
    LOG.info("refused {} from origin {} (not in gateway.allowedOrigins)", ctx.request().path(), origin);
    RestApi.problem(ctx, new ProtocolException(ErrorCode.FORBIDDEN, "origin " + origin + " is not allowed",
        new JsonObject().put("required", "an origin listed in gateway.allowedOrigins")), 403);
  }

  private void opened(Transport transport, MultiMap params, String authorization) {
    long current = gw.counters.connections.incrementAndGet();
    Admission admission = gw.fleet.admit(current - 1);
    if (!admission.accepted()) {
      // Past the check before the upgrade, in a race with other instances (or SockJS polling): refuse now.
      gw.counters.connections.decrementAndGet();
      gw.counters.refused.increment();
      gw.counters.errors(admission.error().code()).increment();
      gw.counters.closes(MessageTypes.CLOSE_OVERLOADED).increment();
      transport.write(new OutboundMessage(Envelope.error(null, admission.error(), System.currentTimeMillis())));
      transport.close(MessageTypes.CLOSE_OVERLOADED, admission.closeReason());
      return;
    }
    gw.counters.connectionsTotal.incrementAndGet();
    String client = params.get("client");
    if (client != null && client.length() > MAX_CLIENT_NAME) {
      client = client.substring(0, MAX_CLIENT_NAME);
    }
    int batch = 0;
    ProtocolException batchError = null;
    String batchText = params.get("batch");
    if (batchText != null) {
      try {
        batch = Integer.parseInt(batchText.trim());
        if (batch < 0 || batch > RequestHandler.MAX_BATCH_MS) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        batch = 0;
        batchError = ProtocolException.badRequest("batch",
            "batch must be an integer from 0 to " + RequestHandler.MAX_BATCH_MS + " (ms); batching is off");
      }
    }
    // The token: Authorization: Bearer on the handshake, else ?token=; without one, anonymous or the auth op later.
    String token = handshakeToken(authorization, params);
    Principal user = null;
    ProtocolException tokenError = null;
    if (token != null) {
      try {
        user = gw.verifier.verifyNow(token);
      } catch (ProtocolException e) {
        tokenError = e;
      }
    } else {
      user = gw.anonymousPrincipal();
    }
    Session session = new Session(gw, transport, client, batch);
    gw.sessions.add(session);
    session.optionError = batchError;
    session.open(user, tokenError);
    session.log.debug("connection opened over {} from {} client={}", transport.name(), transport.remoteAddress(),
        client);
  }

  /** A data source changed state: remember it and tell every connection (PROTOCOL.md §7). */
  private void sourceChanged(JsonObject status) {
    JsonArray updated = new JsonArray();
    boolean replaced = false;
    boolean recovered = false;
    for (Object o : gw.sources) {
      JsonObject s = (JsonObject) o;
      if (s.getString("source", "").equals(status.getString("source"))) {
        recovered = !"up".equals(s.getString("state")) && "up".equals(status.getString("state"));
        updated.add(status);
        replaced = true;
      } else {
        updated.add(s);
      }
    }
    if (!replaced) {
      updated.add(status);
    }
    gw.sources = updated;
    OutboundMessage message = new OutboundMessage(Envelope.message(MessageTypes.STATUS, System.currentTimeMillis())
        .put("data", status).encode());
    for (Session session : gw.sessions) {
      if (session.welcomed()) {
        session.send(message);
      }
    }
    if (recovered) {
      gw.feeds.resnapshotAll(System.currentTimeMillis());
    }
  }
}
