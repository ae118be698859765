package io.quotecast.sdk;

import io.vertx.core.json.JsonObject;

/**
 * One publication of a channel, delivered once and in {@code seq} order. A trade array (a channel subscribed with a
 * freq) arrives as one update per trade. {@code snapshot}: the channel's current state (first message, or after a new
 * epoch or an unrecoverable gap); {@code recovered}: replayed from the server's history after a reconnect or gap.
 */
public record Update(String channel, long seq, String epoch, boolean snapshot, boolean recovered, JsonObject data,
                     long ts) {

  /** The channel type: {@code quote}, {@code trade} or {@code kline}. */
  public String type() {
    int colon = channel.indexOf(':');
    return colon < 0 ? channel : channel.substring(0, colon);
  }

  /** The payload as received. */
  public JsonObject raw() {
    return data;
  }

  public Quote quote() {
    return Quote.from(data);
  }

  public Trade trade() {
    return Trade.from(data);
  }

  public Kline kline() {
    return Kline.from(data);
  }

  Update withEpoch(String e) {
    return e == null || e.equals(epoch) ? this : new Update(channel, seq, e, snapshot, recovered, data, ts);
  }
}
