package io.quotecast.gateway;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** A transport that records what the session writes, for tests without sockets. */
final class FakeTransport implements Transport {
  final List<OutboundMessage> written = new ArrayList<>();
  boolean full;
  Short closedWith;
  Handler<String> text;
  Handler<Void> closeHandler;

  @Override
  public String name() {
    return "fake";
  }

  @Override
  public void write(OutboundMessage message) {
    written.add(message);
  }

  @Override
  public boolean writeQueueFull() {
    return full;
  }

  @Override
  public boolean isClosed() {
    return closedWith != null;
  }

  @Override
  public void close(short code, String reason) {
    closedWith = code;
  }

  @Override
  public String remoteAddress() {
    return "127.0.0.1:1";
  }

  @Override
  public void textHandler(Handler<String> handler) {
    text = handler;
  }

  @Override
  public void closeHandler(Handler<Void> handler) {
    closeHandler = handler;
  }

  @Override
  public void activityHandler(Handler<Void> handler) {
  }

  @Override
  public void ping() {
  }

  List<JsonObject> json() {
    return written.stream().map(m -> new JsonObject(m.text())).toList();
  }

  List<JsonObject> ofType(String type) {
    return json().stream().filter(j -> type.equals(j.getString("type"))).toList();
  }
}
