package io.quotecast.quote;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.KlineInterval;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.Publication;
import io.quotecast.common.SymbolCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Answers the quote verticle's request addresses from a {@link QuoteEngine}; pure (JsonObject in, reply out) so it is
 * tested without an event bus. Failures are {@link RequestFailure}s with code 400 (bad arguments) or 404 (unknown
 * symbol or channel).
 *
 * <p>{@code quote.history} — body {@code {"kind":"klines","symbol":"600519.SH","interval":"1m","limit":100,"end":ms}}
 * ({@code limit} default {@value #DEFAULT_LIMIT}, 1..{@value #MAX_KLINES}; {@code end} default now) or
 * {@code {"kind":"trades","symbol":"600519.SH","limit":50}} (1..history.trade). Reply: a String holding a JSON array
 * of payloads, oldest first. Symbols are case-insensitive.
 *
 * <p>{@code quote.replay} — body {@code {"channel":"trade:600519.SH","seq":41,"epoch":"k3x9ab"}}. Reply: JsonObject
 * {@code {"channel","epoch","seq":<latest>,"recovered":bool,"publications":[{"seq","sourceTime","data":"<json text>"}]}};
 * {@code recovered} is true when the history still holds every publication after {@code seq} in the same epoch (then
 * {@code publications} lists them, possibly none); false otherwise (epoch changed or history too short: take a
 * snapshot).
 */
public final class QuoteRequests {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_KLINES = 1000;

  private final QuoteEngine engine;

  public QuoteRequests(QuoteEngine engine) {
    this.engine = engine;
  }

  public String history(Object body, long now) {
    JsonObject req = object(body);
    String kind = req.getValue("kind") instanceof String s ? s : null;
    if (kind == null) {
      throw new RequestFailure(400, "missing field 'kind' (klines or trades)");
    }
    String symbol = symbol(req);
    if (kind.equals("klines")) {
      KlineInterval interval = KlineInterval.fromWire(req.getValue("interval") instanceof String s ? s : null);
      if (interval == null) {
        throw new RequestFailure(400, "bad or missing 'interval': expected one of " + KlineInterval.wireNames());
      }
      int limit = limit(req, MAX_KLINES);
      long end = now;
      Object e = req.getValue("end");
      if (e != null) {
        if (!(e instanceof Number num) || num.longValue() != num.doubleValue()) {
          throw new RequestFailure(400, "'end' must be epoch milliseconds");
        }
        end = num.longValue();
      }
      return known(symbol, engine.klines(symbol, interval, limit, end));
    }
    if (kind.equals("trades")) {
      int max = Math.max(1, engine.channel(ChannelKey.trade(symbol)) == null ? 1
          : engine.channel(ChannelKey.trade(symbol)).historySize());
      return known(symbol, engine.trades(symbol, limit(req, max)));
    }
    throw new RequestFailure(400, "unknown kind '" + kind + "': expected klines or trades");
  }

  public JsonObject replay(Object body) {
    JsonObject req = object(body);
    ChannelKey key;
    try {
      key = ChannelKey.parse(req.getValue("channel") instanceof String s ? s : null);
    } catch (ProtocolException e) {
      throw new RequestFailure(400, e.getMessage());
    }
    ChannelState ch = engine.channel(key);
    if (ch == null) {
      throw new RequestFailure(404, "unknown symbol " + key.symbol());
    }
    if (!(req.getValue("seq") instanceof Number seq)) {
      throw new RequestFailure(400, "missing or bad field 'seq'");
    }
    JsonObject reply = new JsonObject().put("channel", key.toString()).put("epoch", ch.epoch()).put("seq", ch.seq());
    List<Publication> missed = ch.epoch().equals(req.getValue("epoch")) ? ch.since(seq.longValue()) : null;
    reply.put("recovered", missed != null);
    JsonArray list = new JsonArray();
    if (missed != null) {
      for (Publication p : missed) {
        list.add(new JsonObject().put("seq", p.seq()).put("sourceTime", p.sourceTime()).put("data", p.data()));
      }
    }
    return reply.put("publications", list);
  }

  private static JsonObject object(Object body) {
    if (body instanceof JsonObject o) {
      return o;
    }
    if (body instanceof String s) {
      try {
        return new JsonObject(s);
      } catch (RuntimeException e) {
        throw new RequestFailure(400, "body is not a JSON object");
      }
    }
    throw new RequestFailure(400, "body must be a JSON object");
  }

  private static String symbol(JsonObject req) {
    Object raw = req.getValue("symbol");
    String symbol = SymbolCode.normalize(raw instanceof String s ? s : null);
    if (symbol == null) {
      throw new RequestFailure(400, "bad or missing 'symbol': expected e.g. 600519.SH");
    }
    return symbol;
  }

  private static int limit(JsonObject req, int max) {
    Object v = req.getValue("limit");
    if (v == null) {
      return Math.min(DEFAULT_LIMIT, max);
    }
    if (!(v instanceof Number num) || num.longValue() != num.doubleValue() || num.longValue() < 1
        || num.longValue() > max) {
      throw new RequestFailure(400, "'limit' must be an integer from 1 to " + max);
    }
    return num.intValue();
  }

  private static String known(String symbol, String reply) {
    if (reply == null) {
      throw new RequestFailure(404, "unknown symbol " + symbol);
    }
    return reply;
  }
}
