package io.quotecast.common;

import io.vertx.core.json.JsonObject;

/**
 * Builds the server-to-client envelope of PROTOCOL.md §2. Channel messages are assembled as text around the
 * publication's pre-encoded payload, so a publication is encoded once per gateway, not once per connection.
 */
public final class Envelope {
  private Envelope() {}

  /** A channel message: {@code {"type":..,"ts":..,"ch":..,"seq":..,"meta":..,"data":..}}; meta may be null. */
  public static String channelMessage(Publication p, long ts, String metaJson) {
    return channelMessage(p.type().wire(), p.channel(), p.seq(), ts, metaJson, p.data());
  }

  public static String channelMessage(String type, String channel, long seq, long ts, String metaJson, String data) {
    StringBuilder sb = new StringBuilder(data.length() + channel.length() + 80);
    sb.append("{\"type\":\"").append(type).append("\",\"ts\":").append(ts)
        .append(",\"ch\":\"").append(channel).append("\",\"seq\":").append(seq);
    if (metaJson != null) {
      sb.append(",\"meta\":").append(metaJson);
    }
    return sb.append(",\"data\":").append(data).append('}').toString();
  }

  /** The meta of a snapshot message. */
  public static String snapshotMeta(String epoch) {
    return "{\"snapshot\":true,\"epoch\":\"" + epoch + "\"}";
  }

  public static JsonObject message(String type, long ts) {
    return new JsonObject().put("type", type).put("ts", ts);
  }

  public static String result(String id, JsonObject data, long ts) {
    return message(MessageTypes.RESULT, ts).put("id", id).put("data", data).encode();
  }

  public static String error(String id, ProtocolException e, long ts) {
    return message(MessageTypes.ERROR, ts).put("id", id).put("data", e.toJson()).encode();
  }
}
