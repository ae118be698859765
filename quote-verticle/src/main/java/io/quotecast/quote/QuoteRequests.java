package io.quotecast.quote;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.KlineInterval;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.Publication;
import io.quotecast.common.SymbolCode;
import io.quotecast.common.cluster.QuoteRoute;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Answers requests to a bucket's address ({@link QuoteRoute}, header {@code action}) from a {@link QuoteEngine}; pure
 * (body in, reply out) so it is tested without an event bus. Failures are {@link RequestFailure}s with code 400 (bad
 * arguments), 404 (unknown symbol or channel; {@link QuoteRoute#NO_DATA} for a channel without data yet) or
 * {@value #NOT_HERE} (the symbol is not produced by this node: its bucket is moving, retry).
 *
 * <p>{@code snapshot} — body: channel key text, e.g. {@code quote:600519.SH}. Reply: the channel's latest
 * {@link Publication}.
 *
 * <p>{@code history} — body {@code {"kind":"klines","symbol":"600519.SH","interval":"1m","limit":100,"end":ms}}
 * ({@code limit} default {@value #DEFAULT_LIMIT}, 1..{@value #MAX_KLINES}; {@code end} default now) or
 * {@code {"kind":"trades","symbol":"600519.SH","limit":50}} (1..history.trade). Reply: a String holding a JSON array
 * of payloads, oldest first. Symbols are case-insensitive.
 *
 * <p>{@code replay} — body {@code {"channel":"trade:600519.SH","seq":41,"epoch":"k3x9ab"}}. Reply: JsonObject
 * {@code {"channel","epoch","seq":<latest>,"recovered":bool,"publications":[{"seq","sourceTime","data":"<json text>"}]}};
 * {@code recovered} is true when the history still holds every publication after {@code seq} in the same epoch (then
 * {@code publications} lists them, possibly none); false otherwise (epoch changed or history too short: take a
 * snapshot).
 */
public final class QuoteRequests {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_KLINES = 1000;
  /** Failure code for a symbol this node does not produce (its bucket is being handed over). */
  public static final int NOT_HERE = 503;

  private final QuoteEngine engine;

  public QuoteRequests(QuoteEngine engine) {
    this.engine = engine;
  }

  /** Dispatches on the {@link QuoteRoute#ACTION} header. */
  public Object handle(String action, Object body, long now) {
    if (action == null) {
      throw new RequestFailure(400, "missing header '" + QuoteRoute.ACTION + "'");
    }
    return switch (action) {
      case QuoteRoute.SNAPSHOT -> snapshot(body);
      case QuoteRoute.HISTORY -> history(body, now);
      case QuoteRoute.REPLAY -> replay(body);
      default -> throw new RequestFailure(400, "unknown action '" + action + "': expected "
          + QuoteRoute.SNAPSHOT + ", " + QuoteRoute.HISTORY + " or " + QuoteRoute.REPLAY);
    };
  }

  /** The latest publication of the channel named by {@code body} (channel key text). */
  public Publication snapshot(Object body) {
    ChannelKey key;
    try {
      key = ChannelKey.parse(body instanceof String s ? s : null);
    } catch (ProtocolException e) {
      throw new RequestFailure(400, e.getMessage());
    }
    ChannelState ch = produced(key);
    Publication latest = ch.latest();
    if (latest == null) {
      throw new RequestFailure(QuoteRoute.NO_DATA, "no data yet on " + key);
    }
    return latest;
  }

  public String history(Object body, long now) {
    JsonObject req = object(body);
    String kind = req.getValue("kind") instanceof String s ? s : null;
    if (kind == null) {
      throw new RequestFailure(400, "missing field 'kind' (klines or trades)");
    }
    String symbol = symbol(req);
    requireProduced(symbol);
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
    ChannelState ch = produced(key);
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

  private ChannelState produced(ChannelKey key) {
    ChannelState ch = engine.channel(key);
    if (ch == null) {
      throw new RequestFailure(404, "unknown symbol " + key.symbol());
    }
    requireProduced(key.symbol());
    return ch;
  }

  /** Unknown symbols pass (the caller answers 404); known ones must be produced here. */
  private void requireProduced(String symbol) {
    int i = engine.indexOf(symbol);
    if (i >= 0 && !engine.owns(i)) {
      throw new RequestFailure(NOT_HERE, symbol + " is not produced by this node (its bucket is moving): retry");
    }
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
