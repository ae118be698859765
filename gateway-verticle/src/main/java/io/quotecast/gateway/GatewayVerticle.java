package io.quotecast.gateway;

import io.quotecast.common.Addresses;
import io.quotecast.common.ConfigKeys;
import io.quotecast.common.Envelope;
import io.quotecast.common.ErrorCode;
import io.quotecast.common.ListingLoader;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public port (8080): WebSocket at {@code /ws}, SockJS at {@code /sockjs}, REST at {@code /api/v1}, the demo page
 * at {@code /}. Deployed once per event loop; each instance owns its connections and its channel feeds.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  private static final int MAX_CLIENT_NAME = 128;

  private Gateway gw;
  private HttpServer server;
  private long heartbeatTimer = -1;

  @Override
  public Future<?> start() {
    Settings settings = new Settings(config());
    PublicationCodec.register(vertx);
    gw = new Gateway(vertx, settings, sharedSymbols(settings));

    Router router = Router.router(vertx);
    router.route("/ws").handler(this::checkOrigin);
    router.route("/sockjs/*").handler(this::checkOrigin);
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
    router.route("/*").handler(StaticHandler.create("webroot"));

    vertx.eventBus().<JsonObject>consumer(Addresses.SOURCE_STATUS, message -> sourceChanged(message.body()));
    heartbeatTimer = vertx.setPeriodic(1000, id -> {
      long now = System.currentTimeMillis();
      for (Session session : new ArrayList<>(gw.sessions)) {
        session.heartbeat(now);
      }
    });

    HttpServerOptions options = new HttpServerOptions()
        .setHost(settings.getString(ConfigKeys.GATEWAY_HOST))
        .setPort(settings.getInt(ConfigKeys.GATEWAY_PORT))
        .setMaxWebSocketFrameSize(settings.getInt(ConfigKeys.GATEWAY_MAX_FRAME_BYTES))
        .setMaxWebSocketMessageSize(settings.getInt(ConfigKeys.GATEWAY_MAX_FRAME_BYTES));
    server = vertx.createHttpServer(options).requestHandler(router);
    Future<JsonArray> sources = vertx.eventBus().<JsonArray>request(Addresses.SOURCE_STATES, new JsonObject())
        .map(reply -> reply.body())
        .otherwise(failure -> new JsonArray()) // the quote role may run on another node or start later
        .onSuccess(states -> gw.sources = states);
    return Future.all(sources, server.listen());
  }

  @Override
  public Future<?> stop() {
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    gw.feeds.stop();
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** The symbol directory, loaded once per process and shared by every gateway instance (it is immutable). */
  private SymbolDirectory sharedSymbols(Settings settings) {
    LocalMap<String, SharedDirectory> map = vertx.sharedData().getLocalMap("quotecast.gateway.symbols");
    String file = settings.getString(ConfigKeys.SYMBOLS_LISTINGS_FILE);
    SharedDirectory shared = map.get(file);
    if (shared == null) {
      SharedDirectory loaded = new SharedDirectory(SymbolDirectory.of(ListingLoader.loadConfigured(file)));
      shared = map.putIfAbsent(file, loaded);
      if (shared == null) {
        shared = loaded;
      }
    }
    return shared.directory;
  }

  private record SharedDirectory(SymbolDirectory directory) implements Shareable {
  }

  // ---- connections ----------------------------------------------------------------------------------------------

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
    MultiMap params = MultiMap.caseInsensitiveMultiMap();
    new QueryStringDecoder(socket.uri()).parameters().forEach(params::add);
    opened(new SockJsTransport(socket, gw.writeQueueBytes), params, socket.headers().get("Authorization"));
  }

  /** Browsers from origins that are not allowed never reach a session: 403 before any upgrade (PROTOCOL.md §9). */
  private void checkOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (gw.origins.allows(origin, ctx.request().getHeader("Host"))) {
      ctx.next();
      return;
    }
    LOG.info("refused {} from origin {} (not in gateway.allowedOrigins)", ctx.request().path(), origin);
    RestApi.problem(ctx, new ProtocolException(ErrorCode.FORBIDDEN, "origin " + origin + " is not allowed",
        new JsonObject().put("required", "an origin listed in gateway.allowedOrigins")), 403);
  }

  private void opened(Transport transport, MultiMap params, String authorization) {
    long current = gw.counters.connections.incrementAndGet();
    if (current > gw.connectionsPerNode) {
      gw.counters.connections.decrementAndGet();
      ProtocolException error = new ProtocolException(ErrorCode.LIMIT_EXCEEDED,
          "this node is at its connection limit; try again later", new JsonObject()
          .put("limit", "connectionsPerNode").put("max", gw.connectionsPerNode)
          .put("current", current - 1).put("requested", 1));
      transport.write(new OutboundMessage(Envelope.error(null, error, System.currentTimeMillis())));
      transport.close(MessageTypes.CLOSE_OVERLOADED, "connection limit");
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
    String token = Bearer.token(authorization);
    if (token == null) {
      String fromQuery = params.get("token");
      token = fromQuery == null || fromQuery.isBlank() ? null : fromQuery.trim();
    }
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
    for (Object o : gw.sources) {
      JsonObject s = (JsonObject) o;
      if (s.getString("source", "").equals(status.getString("source"))) {
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
  }
}
