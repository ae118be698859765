package io.quotecast.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** Base of the test classes that run against the node shared by the whole run; closes every client after each test. */
@ExtendWith(SharedServer.class)
abstract class SharedServerTest {
  /** The busiest symbol of the simulator (it is moved to the top of the Zipf ranking). */
  static final String BUSY = "600519.SH";

  static QuotecastServer server;
  private final List<WsClient> clients = new ArrayList<>();

  @BeforeAll
  static void server(QuotecastServer shared) {
    server = shared;
  }

  /** A new client on {@code /ws}, after its welcome; closed after the test. */
  WsClient client() {
    return client("/ws");
  }

  WsClient client(String uri) {
    WsClient c = WsClient.open(server.vertx, server.port, uri);
    clients.add(c);
    return c;
  }

  /** A new client without waiting for anything; closed after the test. */
  WsClient rawClient(String uri) {
    WsClient c = WsClient.connect(server.vertx, server.port, uri);
    clients.add(c);
    return c;
  }

  @AfterEach
  void closeClients() {
    clients.forEach(WsClient::close);
    clients.clear();
  }

  static JsonArray array(Object... items) {
    return new JsonArray(List.of(items));
  }

  static JsonObject subscribeArgs(String... channels) {
    return new JsonObject().put("channels", new JsonArray(List.of((Object[]) channels)));
  }

  /** Whether any string of {@code suggestions} starts with {@code symbol}. */
  static boolean suggests(JsonArray suggestions, String symbol) {
    return suggestions != null && suggestions.stream().anyMatch(s -> s instanceof String t && t.startsWith(symbol));
  }
}
