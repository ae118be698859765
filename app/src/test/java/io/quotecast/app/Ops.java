package io.quotecast.app;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

/** Requests to a node's operations port (9090) for the admin tests, with or without a Bearer token. */
final class Ops {
  private final WebClient http;
  private final int port;

  Ops(WebClient http, int port) {
    this.http = http;
    this.port = port;
  }

  Ops(QuotecastServer server) {
    this(server.http, server.monitorPort);
  }

  /** A token with the admin scope. */
  static String admin() {
    return TestTokens.token("ops").scopes("admin").build();
  }

  /** A valid token without the admin scope. */
  static String notAdmin() {
    return TestTokens.token("trader").tier("pro").scopes("md:quote", "md:trade", "md:kline").build();
  }

  HttpResponse<Buffer> send(HttpMethod method, String uri, String token, JsonObject body) {
    HttpRequest<Buffer> request = http.request(method, port, "127.0.0.1", uri);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    return QuotecastServer.await(body == null ? request.send() : request.sendJsonObject(body),
        QuotecastServer.TIMEOUT_S);
  }

  HttpResponse<Buffer> get(String uri, String token) {
    return send(HttpMethod.GET, uri, token, null);
  }

  /** GET with an admin token; the JSON body of a 200. */
  JsonObject get(String uri) {
    HttpResponse<Buffer> r = get(uri, admin());
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + uri + ": " + r.statusCode() + " " + r.bodyAsString());
    }
    return r.bodyAsJsonObject();
  }

  HttpResponse<Buffer> post(String uri, String token, JsonObject body) {
    return send(HttpMethod.POST, uri, token, body);
  }

  HttpResponse<Buffer> delete(String uri, String token) {
    return send(HttpMethod.DELETE, uri, token, null);
  }
}
