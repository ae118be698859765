package io.quotecast.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.quotecast.common.Addresses;
import io.quotecast.common.ConfigLoader;
import io.quotecast.common.Settings;
import io.quotecast.common.auth.AuthSettings;
import io.quotecast.common.auth.TokenIssuer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboard on the operations port: the page and the SockJS client are served; the event-bus bridge refuses
 * every request without a token with the admin scope, carries monitor.figures, monitor.alerts and
 * monitor.trace.&lt;id&gt; to an admin, refuses every other address and everything inbound, and closes a socket when its
 * token expires. The bridge is driven over SockJS's raw WebSocket endpoint ({@code /dashboard/eventbus/websocket}:
 * one JSON frame per bridge message) and over its {@code /info} and session URLs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DashboardRoutesTest {
  /** No step of a test waits longer than this: a lost answer fails the test instead of hanging the build. */
  private static final long AWAIT_SECONDS = 10;
  private Vertx vertx;
  private HttpClient http;
  private WebSocketClient ws;
  private int port;
  private AuthSettings auth;

  private record Reply(int status, MultiMap headers, String body) {}

  /** A raw-WebSocket bridge client: what it received, in order. */
  private record Bridge(WebSocket socket, BlockingQueue<JsonObject> received, AtomicInteger closeStatus) {
    void send(JsonObject frame) {
      socket.writeTextMessage(frame.encode()).timeout(AWAIT_SECONDS, TimeUnit.SECONDS).await();
    }

    void register(String address) {
      send(new JsonObject().put("type", "register").put("address", address));
    }

    /** The next frame that passes {@code wanted} within {@code ms}, skipping others; null when none came. */
    JsonObject next(Predicate<JsonObject> wanted, long ms) throws InterruptedException {
      long deadline = System.currentTimeMillis() + ms;
      for (long left = ms; left > 0; left = deadline - System.currentTimeMillis()) {
        JsonObject frame = received.poll(left, TimeUnit.MILLISECONDS);
        if (frame != null && wanted.test(frame)) {
          return frame;
        }
      }
      return null;
    }
  }

  @BeforeEach
  void deploy() {
    vertx = Vertx.vertx();
    // a fresh connection per request: a refused request never leaves a pooled connection in doubt for the next one
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    ws = vertx.createWebSocketClient();
    JsonObject config = ConfigLoader.load(vertx, null).await();
    config.getJsonObject("monitor").put("host", "127.0.0.1").put("port", 0);
    config.getJsonObject("node").put("id", "node-7");
    config.getJsonObject("auth").put("localSecret", "dashboard-test-secret-0123456789abcdef");
    auth = AuthSettings.from(new Settings(config));
    MonitorVerticle monitor = new MonitorVerticle();
    vertx.deployVerticle(monitor, new DeploymentOptions().setConfig(config)).await();
    port = monitor.actualPort();
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private String token(long ttlSeconds, String... scopes) {
    return TokenIssuer.local(auth).issue("ops", "pro", List.of(scopes), ttlSeconds);
  }

  private String admin() {
    return token(600, "admin");
  }

  private Reply request(HttpMethod method, String path, String bearer) {
    return http.request(method, port, "127.0.0.1", path).compose(req -> {
      if (bearer != null) {
        req.putHeader("Authorization", "Bearer " + bearer);
      }
      return req.send();
    }).compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.headers(), b.toString())))
        .timeout(AWAIT_SECONDS, TimeUnit.SECONDS).await();
  }

  private Reply get(String path) {
    return request(HttpMethod.GET, path, null);
  }

  /** Opens {@code uri} as a WebSocket; the upgrade's refusal status, or 101 and the bridge. */
  private Object connect(String uri) {
    BlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
    AtomicInteger closeStatus = new AtomicInteger(-1);
    try {
      WebSocket socket = ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri))
          .timeout(AWAIT_SECONDS, TimeUnit.SECONDS).await();
      // the raw endpoint writes the bridge's frames as binary or text messages: take both
      socket.handler(buffer -> received.add(buffer.toJsonObject()));
      socket.closeHandler(v -> closeStatus.set(socket.closeStatusCode() == null ? 0 : socket.closeStatusCode()));
      return new Bridge(socket, received, closeStatus);
    } catch (CompletionException | UpgradeRejectedException e) {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof UpgradeRejectedException rejected) {
        return rejected.getStatus();
      }
      throw e;
    }
  }

  private Bridge bridge(String token) {
    Object result = connect(DashboardRoutes.BRIDGE + "/websocket?token=" + token);
    if (result instanceof Bridge b) {
      return b;
    }
    return fail("an admin token opens the bridge, got " + result);
  }

  private static Predicate<JsonObject> rec(String address) {
    return f -> "rec".equals(f.getString("type")) && address.equals(f.getString("address"));
  }

  private static Predicate<JsonObject> err() {
    return f -> "err".equals(f.getString("type"));
  }

  @Test
  void thePageAndTheSockJsClientAreServed() {
    Reply redirect = get("/dashboard?token=abc");
    assertEquals(301, redirect.status());
    assertEquals("/dashboard/?token=abc", redirect.headers().get("Location"));

    Reply page = get("/dashboard/");
    assertEquals(200, page.status(), page.body());
    assertTrue(page.headers().get("Content-Type").startsWith("text/html"), page.headers().get("Content-Type"));
    assertTrue(page.body().contains("Quotecast operations"), page.body());
    assertTrue(page.body().contains("js/app.js"), "the page loads its module");
    assertTrue(page.headers().get("Content-Security-Policy").contains("default-src 'self'"));
    assertEquals("no-referrer", page.headers().get("Referrer-Policy"));

    for (String path : List.of("/dashboard/js/app.js", "/dashboard/js/bus.js", "/dashboard/js/chart.js",
        "/dashboard/js/api.js", "/dashboard/js/format.js", "/dashboard/js/figures.js", "/dashboard/js/alerts.js",
        "/dashboard/js/quality.js", "/dashboard/js/connections.js", "/dashboard/js/trace.js", "/dashboard/css/dashboard.css")) {
      Reply r = get(path);
      assertEquals(200, r.status(), path);
      assertFalse(r.body().isBlank(), path);
    }
    assertTrue(get("/dashboard/js/app.js").headers().get("Content-Type").contains("javascript"));
    Reply sockJs = get("/dashboard/vendor/sockjs.min.js");
    assertEquals(200, sockJs.status());
    assertTrue(sockJs.body().contains("SockJS"), "the webjar's client");
    // the page is public (it holds no data): no token needed; the data is not
    assertEquals(401, get("/admin/stats").status());
  }

  @Test
  void theBridgeRefusesEveryRequestWithoutAnAdminToken() {
    String user = token(600, "md:quote", "md:trade");
    String expired = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcHMifQ.c2lnbmF0dXJlLW5vdC12YWxpZC0wMDAwMDAwMDAwMDA";
    // SockJS starts at /info
    assertEquals(401, get(DashboardRoutes.BRIDGE + "/info").status());
    Reply bad = get(DashboardRoutes.BRIDGE + "/info?token=not.a.token");
    assertEquals(401, bad.status());
    assertTrue(bad.headers().get("WWW-Authenticate").startsWith("Bearer"), bad.headers().toString());
    assertEquals(401, get(DashboardRoutes.BRIDGE + "/info?token=" + expired).status());
    Reply forbidden = get(DashboardRoutes.BRIDGE + "/info?token=" + user);
    assertEquals(403, forbidden.status(), forbidden.body());
    assertEquals("FORBIDDEN", new JsonObject(forbidden.body()).getString("code"));
    assertEquals(403, request(HttpMethod.GET, DashboardRoutes.BRIDGE + "/info", user).status());
    Reply info = get(DashboardRoutes.BRIDGE + "/info?token=" + admin());
    assertEquals(200, info.status(), info.body());
    assertTrue(new JsonObject(info.body()).getBoolean("websocket"), info.body());
    assertEquals(200, request(HttpMethod.GET, DashboardRoutes.BRIDGE + "/info", admin()).status(),
        "a non-browser client may send the token as a header");

    // no socket at all: the upgrade is refused, on the raw endpoint and on a SockJS session's
    assertEquals(401, connect(DashboardRoutes.BRIDGE + "/websocket"));
    assertEquals(401, connect(DashboardRoutes.BRIDGE + "/websocket?token=not.a.token"));
    assertEquals(403, connect(DashboardRoutes.BRIDGE + "/websocket?token=" + user));
    assertEquals(401, connect(DashboardRoutes.BRIDGE + "/123/abcdefgh/websocket"));
    assertEquals(403, connect(DashboardRoutes.BRIDGE + "/123/abcdefgh/websocket?token=" + user));
    // nor over the HTTP transports
    assertEquals(401, request(HttpMethod.POST, DashboardRoutes.BRIDGE + "/123/abcdefgh/xhr_streaming", null).status());
    assertEquals(401, request(HttpMethod.POST, DashboardRoutes.BRIDGE + "/123/abcdefgh/xhr", null).status());
    assertEquals(403, request(HttpMethod.POST, DashboardRoutes.BRIDGE + "/123/abcdefgh/xhr_send", user).status());
  }

  @Test
  void anAdminGetsFiguresAlertsAndTraceEvents() throws Exception {
    Bridge bridge = bridge(admin());
    bridge.register(Addresses.NODE_FIGURES);
    bridge.register(Addresses.ALERTS);
    bridge.register(Addresses.TRACE_EVENTS_PREFIX + "t-abc123");
    // this node's own figures, published every second by the monitor
    JsonObject figures = bridge.next(rec(Addresses.NODE_FIGURES), 5000);
    assertNotNull(figures, "figures within 5 s");
    assertEquals("node-7", figures.getJsonObject("body").getString("name"));
    assertTrue(figures.getJsonObject("body").containsKey("connections"), figures::encode);

    JsonObject alert = new JsonObject().put("id", "a-1").put("rule", "sourceDown").put("state", "firing");
    JsonObject event = new JsonObject().put("traceId", "t-abc123").put("direction", "out").put("ch", "quote:600519.SH");
    // registration is asynchronous: publish until it lands
    JsonObject gotAlert = null;
    JsonObject gotTrace = null;
    long deadline = System.currentTimeMillis() + 5000;
    while ((gotAlert == null || gotTrace == null) && System.currentTimeMillis() < deadline) {
      vertx.eventBus().publish(Addresses.ALERTS, alert);
      vertx.eventBus().publish(Addresses.TRACE_EVENTS_PREFIX + "t-abc123", event);
      JsonObject f = bridge.next(x -> "rec".equals(x.getString("type")) && !Addresses.NODE_FIGURES.equals(
          x.getString("address")), 200);
      if (f != null && Addresses.ALERTS.equals(f.getString("address"))) {
        gotAlert = f;
      } else if (f != null) {
        gotTrace = f;
      }
    }
    assertNotNull(gotAlert, "the alert reached the dashboard");
    assertEquals(alert, gotAlert.getJsonObject("body"));
    assertNotNull(gotTrace, "the trace event reached the dashboard");
    assertEquals(Addresses.TRACE_EVENTS_PREFIX + "t-abc123", gotTrace.getString("address"));
    assertEquals(event, gotTrace.getJsonObject("body"));
    // another trace's events are not this client's business unless it registered for them
    bridge.received().clear();
    vertx.eventBus().publish(Addresses.TRACE_EVENTS_PREFIX + "t-other", event);
    assertNull(bridge.next(rec(Addresses.TRACE_EVENTS_PREFIX + "t-other"), 300));

    bridge.send(new JsonObject().put("type", "unregister").put("address", Addresses.ALERTS));
    Thread.sleep(200);
    bridge.received().clear();
    vertx.eventBus().publish(Addresses.ALERTS, alert);
    assertNull(bridge.next(rec(Addresses.ALERTS), 300), "unregistered");
  }

  @Test
  void nothingGoesInboundAndOnlyTheDashboardAddressesGoOut() throws Exception {
    List<String> targets = List.of(Addresses.NODE_FIGURES, Addresses.ALERTS, Addresses.TRACE_EVENTS_PREFIX + "t-1",
        Addresses.SOURCE_FAULT, Addresses.SUBSCRIPTION_STATS, Addresses.MONITOR_NODE_PREFIX + "local",
        Addresses.GATEWAY_ADMIN, "anything.else");
    List<String> heard = new CopyOnWriteArrayList<>();
    for (String address : targets) {
      vertx.eventBus().consumer(address, m -> {
        if (!(m.body() instanceof JsonObject j && j.containsKey("node") && Addresses.NODE_FIGURES.equals(address))) {
          heard.add(address + " " + m.body());
        }
      }).completion().await();
    }
    Bridge bridge = bridge(admin());
    int errors = 0;
    for (String address : targets) {
      for (String type : List.of("send", "publish")) {
        JsonObject frame = new JsonObject().put("type", type).put("address", address)
            .put("body", new JsonObject().put("mode", "down").put("node", false));
        if (type.equals("send")) {
          frame.put("replyAddress", "r-1");
        }
        bridge.send(frame);
        JsonObject answer = bridge.next(err(), 2000);
        assertNotNull(answer, type + " to " + address + " is refused with an error frame");
        errors++;
      }
    }
    assertEquals(targets.size() * 2, errors);
    Thread.sleep(200);
    assertEquals(List.of(), heard, "no client message reached the bus");
    // registrations for anything but the dashboard's addresses
    List<String> forbidden = List.of(Addresses.MARKET_DATA_PREFIX + "quote.600519.SH", Addresses.SOURCE_FAULT,
        Addresses.SOURCE_STATUS, Addresses.GATEWAY_ADMIN, Addresses.TRACE_EVENTS_PREFIX,
        Addresses.TRACE_EVENTS_PREFIX + "t-1.x", Addresses.TRACE_EVENTS_PREFIX + "t 1", Addresses.NODE_FIGURES + ".x",
        "x" + Addresses.ALERTS);
    for (String address : forbidden) {
      bridge.register(address);
      JsonObject answer = bridge.next(err(), 2000);
      assertNotNull(answer, "register " + address + " is refused");
    }
    List<JsonObject> leaked = new ArrayList<>();
    for (String address : forbidden) {
      vertx.eventBus().publish(address, new JsonObject().put("secret", true));
    }
    long until = System.currentTimeMillis() + 500;
    JsonObject f;
    while ((f = bridge.next(x -> "rec".equals(x.getString("type")), until - System.currentTimeMillis())) != null) {
      leaked.add(f);
    }
    assertEquals(List.of(), leaked, "nothing from refused registrations");
    assertEquals(-1, bridge.closeStatus().get(), "refusals do not close the socket");
  }

  @Test
  void theSocketClosesWhenItsTokenExpires() throws Exception {
    Bridge bridge = bridge(token(2, "admin"));
    bridge.register(Addresses.NODE_FIGURES);
    assertNotNull(bridge.next(rec(Addresses.NODE_FIGURES), 3000), "figures while the token is valid");
    long deadline = System.currentTimeMillis() + 5000;
    while (bridge.closeStatus().get() < 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(DashboardRoutes.CLOSE_TOKEN_EXPIRED, bridge.closeStatus().get(), "closed at expiry");
  }
}
