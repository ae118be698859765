package io.quotecast.monitor;

import io.quotecast.common.Addresses;
import io.quotecast.common.auth.Bearer;
import io.quotecast.common.auth.Principal;
import io.quotecast.common.auth.Scopes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.ext.web.handler.sockjs.Transport;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations dashboard on the monitor's port: the page ({@code GET /dashboard/}, static files from
 * {@code webroot-ops/dashboard}; public, it holds no data), the SockJS client it loads ({@code /dashboard/vendor/}),
 * and the SockJS event-bus bridge it is fed by ({@code /dashboard/eventbus}).
 *
 * <p>The bridge is outbound only: a client may register for {@link Addresses#NODE_FIGURES},
 * {@link Addresses#ALERTS} and {@code monitor.trace.<traceId>}, and may send or publish to no address at all. Every
 * HTTP request of the bridge (SockJS {@code /info}, the WebSocket upgrade, each polling request) needs a token with
 * the {@code admin} scope, as {@code ?token=} (browsers cannot set headers on a WebSocket) or
 * {@code Authorization: Bearer}; without one it is answered 401 (403 without the scope) and no socket exists. An
 * accepted socket is closed when its token expires.
 */
final class DashboardRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardRoutes.class);

  static final String PAGE = "/dashboard";
  static final String BRIDGE = PAGE + "/eventbus";
  /** SockJS close code of a socket whose admin token expired (SockJS leaves 3000-4999 to applications). */
  static final int CLOSE_TOKEN_EXPIRED = 4401;
  /** The trace ids {@code TraceApi} makes are short base-36 words; nothing else under the prefix is bridged. */
  static final String TRACE_ADDRESS_REGEX = Pattern.quote(Addresses.TRACE_EVENTS_PREFIX) + "[A-Za-z0-9_-]{1,64}";
  private static final String PRINCIPAL = "quotecast.dashboard.principal";
  /** Longest timer Vert.x takes comfortably; a token valid longer is re-checked when it fires. */
  private static final long MAX_TIMER_MS = 24L * 3600 * 1000;

  private final Vertx vertx;
  private final AdminAuth auth;
  private final Pattern traceAddress = Pattern.compile(TRACE_ADDRESS_REGEX);
  /** Expiry timers of open bridge sockets. Only touched on the monitor verticle's event loop. */
  private final Map<SockJSSocket, Long> expiryTimers = new HashMap<>();

  private DashboardRoutes(Vertx vertx, AdminAuth auth) {
    this.vertx = vertx;
    this.auth = auth;
  }

  /** The bridge's permissions: the three outbound addresses, no inbound address. */
  static SockJSBridgeOptions bridgeOptions() {
    return new SockJSBridgeOptions()
        .addOutboundPermitted(new PermittedOptions().setAddress(Addresses.NODE_FIGURES))
        .addOutboundPermitted(new PermittedOptions().setAddress(Addresses.ALERTS))
        .addOutboundPermitted(new PermittedOptions().setAddressRegex(TRACE_ADDRESS_REGEX))
        // a dashboard registers three or four addresses; bound what a misbehaving client can make us hold
        .setMaxHandlersPerSocket(16)
        .setMaxAddressLength(128);
  }

  /** Adds the page, the SockJS client and the bridge to the operations router (before any catch-all route). */
  static DashboardRoutes mount(Vertx vertx, Router router, AdminAuth auth) {
    DashboardRoutes routes = new DashboardRoutes(vertx, auth);
    routes.register(router);
    return routes;
  }

  private void register(Router router) {
    // the bridge: every request authenticated first
    router.route(BRIDGE).handler(this::authenticate);
    router.route(BRIDGE + "/*").handler(this::authenticate);
    // SockJS's HTTP transports POST the client's frames (xhr_send): small, the client only registers and pings
    router.post(BRIDGE + "/*").handler(BodyHandler.create().setBodyLimit(16 * 1024));
    // JSONP and htmlfile load as <script>/<iframe> without an Origin header: not needed, not offered
    SockJSHandler sockJs = SockJSHandler.create(vertx, new SockJSHandlerOptions()
        .addDisabledTransport(Transport.JSON_P.name())
        .addDisabledTransport(Transport.HTML_FILE.name()));
    router.route(BRIDGE + "/*").subRouter(sockJs.bridge(bridgeOptions(), this::bridgeEvent));

    router.route(PAGE + "/vendor/*")
        .handler(StaticHandler.create("META-INF/resources/webjars/sockjs-client/1.6.1/dist"));
    // "/dashboard" -> "/dashboard/", so the page's relative URLs resolve
    router.get(PAGE).handler(ctx -> {
      if (ctx.request().path().equals(PAGE)) {
        String query = ctx.request().query();
        ctx.response().setStatusCode(301).putHeader("Location", PAGE + "/" + (query == null ? "" : "?" + query))
            .end();
      } else {
        ctx.next();
      }
    });
    router.route(PAGE + "/*").handler(ctx -> {
      ctx.response()
          // the page talks to its own origin only; no framing (it carries a token), no referrer (nor the ?token=)
          .putHeader("Content-Security-Policy", "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
              + "style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'")
          .putHeader("Referrer-Policy", "no-referrer")
          .putHeader("X-Content-Type-Options", "nosniff");
      ctx.next();
    });
    // revalidated on every load, so an upgraded server never serves a stale page
    router.route(PAGE + "/*").handler(StaticHandler.create("webroot-ops/dashboard").setCachingEnabled(false));
  }

  /**
   * An admin token in {@code ?token=} or {@code Authorization: Bearer}, or 401/403 (the answer of the admin routes).
   * The principal goes into the request's context, where the bridge finds it when the socket opens.
   */
  private void authenticate(RoutingContext ctx) {
    String token = ctx.request().getParam("token");
    if (token == null || token.isBlank()) {
      token = Bearer.token(ctx.request().getHeader("Authorization"));
    }
    Principal user = auth.admin(ctx, token,
        "the dashboard bridge needs a token with the admin scope: ?token=<jwt> or Authorization: Bearer <jwt>");
    if (user != null) {
      ctx.put(PRINCIPAL, user);
      ctx.next();
    }
  }

  /**
   * Outbound only, whatever the options say: no send or publish from a client, registrations only for the bridged
   * addresses, sockets only for an admin principal (checked again here, in case a route change ever let a request
   * past {@link #authenticate}), closed when the token expires.
   */
  private void bridgeEvent(BridgeEvent event) {
    BridgeEventType type = event.type();
    SockJSSocket socket = event.socket();
    switch (type) {
      case SOCKET_CREATED -> {
        Principal user = principal(socket);
        if (user == null || !user.hasScope(Scopes.ADMIN) || expired(user)) {
          event.complete(false);
          return;
        }
        LOG.info("dashboard bridge opened for {} from {}", user.userId(), socket.remoteAddress());
        scheduleExpiry(socket, user);
        event.complete(true);
      }
      case SOCKET_CLOSED -> {
        Long timer = expiryTimers.remove(socket);
        if (timer != null) {
          vertx.cancelTimer(timer);
        }
        event.complete(true);
      }
      case SEND, PUBLISH -> event.complete(false);
      case REGISTER -> {
        Principal user = principal(socket);
        event.complete(user != null && !expired(user) && permitted(event.getRawMessage()));
      }
      default -> event.complete(true);
    }
  }

  private boolean permitted(JsonObject raw) {
    String address = raw == null ? null : raw.getString("address");
    return address != null && (address.equals(Addresses.NODE_FIGURES) || address.equals(Addresses.ALERTS)
        || traceAddress.matcher(address).matches());
  }

  private static Principal principal(SockJSSocket socket) {
    RoutingContext ctx = socket.routingContext();
    return ctx != null && ctx.get(PRINCIPAL) instanceof Principal p ? p : null;
  }

  private static boolean expired(Principal user) {
    return user.expiresAtMs() > 0 && user.expiresAtMs() <= System.currentTimeMillis();
  }

  private void scheduleExpiry(SockJSSocket socket, Principal user) {
    if (user.expiresAtMs() <= 0) {
      return;
    }
    long delay = Math.max(1, Math.min(MAX_TIMER_MS, user.expiresAtMs() - System.currentTimeMillis()));
    expiryTimers.put(socket, vertx.setTimer(delay, id -> {
      expiryTimers.remove(socket);
      if (expired(user)) {
        LOG.info("dashboard bridge of {} closed: token expired", user.userId());
        socket.close(CLOSE_TOKEN_EXPIRED, "token expired");
      } else {
        scheduleExpiry(socket, user);
      }
    }));
  }
}
