package io.quotecast.peers.vertx;

import io.quotecast.peers.market.QuoteMarket;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.BitSet;
import java.util.Locale;

/**
 * One connection: the welcome, and the requests the load generator sends (subscribe, unsubscribe, ping) in the
 * Quotecast envelope (PROTOCOL.md §2, §4). Its only state is the subscription set. Runs on its server instance's
 * event loop.
 */
final class ClientSession {
  private final ServerWebSocket ws;
  private final QuoteMarket market;
  private final FanoutVerticle fanout;
  private final String id;
  private final BitSet subscribed = new BitSet();

  ClientSession(ServerWebSocket ws, QuoteMarket market, FanoutVerticle fanout, String id) {
    this.ws = ws;
    this.market = market;
    this.fanout = fanout;
    this.id = id;
  }

  void start() {
    ws.textMessageHandler(this::onRequest);
    ws.closeHandler(v -> subscribed.stream().forEach(i -> fanout.unsubscribe(i, ws)));
    ws.exceptionHandler(t -> { }); // a reset by a departing client is not news
    JsonObject data = new JsonObject().put("connectionId", id).put("node", "peer-vertx-broadcast").put("protocol", 1)
        .put("freqs", new JsonArray().add("realtime"))
        .put("sources", new JsonArray().add(new JsonObject().put("source", "simulator").put("state", "up")));
    ws.writeTextMessage(envelope("welcome", null).put("data", data).encode());
  }

  private void onRequest(String text) {
    JsonObject req;
    try {
      req = new JsonObject(text);
    } catch (RuntimeException e) {
      error(null, "BAD_REQUEST", "not a JSON object");
      return;
    }
    String rid = req.getValue("id") == null ? null : String.valueOf(req.getValue("id"));
    JsonObject args = req.getValue("args") instanceof JsonObject a ? a : new JsonObject();
    switch (String.valueOf(req.getValue("op"))) {
      case "subscribe" -> subscribe(rid, args);
      case "unsubscribe" -> unsubscribe(rid, args);
      case "ping" -> result(rid, new JsonObject().put("serverTime", System.currentTimeMillis()));
      default -> error(rid, "UNKNOWN_OP", "supported here: subscribe, unsubscribe, ping");
    }
  }

  private void subscribe(String rid, JsonObject args) {
    if (!(args.getValue("channels") instanceof JsonArray channels)) {
      error(rid, "BAD_REQUEST", "args.channels is required");
      return;
    }
    JsonArray ok = new JsonArray();
    JsonArray rejected = new JsonArray();
    for (Object c : channels) {
      String ch = canonical(String.valueOf(c));
      int i = market.channelIndex(ch);
      if (i < 0) {
        rejected.add(new JsonObject().put("ch", String.valueOf(c))
            .put("code", ch.startsWith("quote:") ? "INVALID_SYMBOL" : "INVALID_CHANNEL")
            .put("message", "this peer serves quote:<symbol> of its listings only"));
        continue;
      }
      if (!subscribed.get(i)) {
        subscribed.set(i);
        fanout.subscribe(i, ws);
      }
      ok.add(new JsonObject().put("ch", ch).put("freq", "realtime"));
    }
    result(rid, new JsonObject().put("subscribed", ok).put("rejected", rejected));
  }

  private void unsubscribe(String rid, JsonObject args) {
    JsonArray done = new JsonArray();
    if (Boolean.TRUE.equals(args.getValue("all"))) {
      subscribed.stream().forEach(i -> {
        fanout.unsubscribe(i, ws);
        done.add(market.channel(i));
      });
      subscribed.clear();
    } else if (args.getValue("channels") instanceof JsonArray channels) {
      for (Object c : channels) {
        String ch = canonical(String.valueOf(c));
        int i = market.channelIndex(ch);
        if (i >= 0 && subscribed.get(i)) {
          subscribed.clear(i);
          fanout.unsubscribe(i, ws);
          done.add(ch);
        }
      }
    } else {
      error(rid, "BAD_REQUEST", "args.channels or args.all is required");
      return;
    }
    result(rid, new JsonObject().put("unsubscribed", done));
  }

  /** {@code QUOTE:600519.sh} -> {@code quote:600519.SH}, as PROTOCOL.md §3 (input is case-insensitive). */
  private static String canonical(String ch) {
    int colon = ch.indexOf(':');
    return colon < 0 ? ch : ch.substring(0, colon).toLowerCase(Locale.ROOT) + ch.substring(colon).toUpperCase(
        Locale.ROOT);
  }

  private void result(String rid, JsonObject data) {
    ws.writeTextMessage(envelope("result", rid).put("data", data).encode());
  }

  private void error(String rid, String code, String message) {
    ws.writeTextMessage(envelope("error", rid)
        .put("data", new JsonObject().put("code", code).put("message", message)).encode());
  }

  private static JsonObject envelope(String type, String rid) {
    JsonObject e = new JsonObject().put("type", type).put("ts", System.currentTimeMillis());
    return rid == null && !type.equals("result") && !type.equals("error") ? e : e.put("id", rid);
  }
}
