package io.quotecast.subscription;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.ProtocolException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Subscribers per channel: +1 for each newly accepted channel, -1 for each released one, never below 0. Owned by one
 * verticle (one event loop), so it is not thread-safe.
 */
public final class SubscriptionStats {
  private final Map<String, Integer> subscribers = new HashMap<>();
  private long total;

  public void added(Iterable<ChannelKey> channels) {
    for (ChannelKey ch : channels) {
      subscribers.merge(ch.toString(), 1, Integer::sum);
      total++;
    }
  }

  /** Releases channel keys as the gateway sends them (any case); unknown or already-zero channels are ignored. */
  public void released(Iterable<?> channels) {
    for (Object o : channels) {
      if (o == null) {
        continue;
      }
      String ch = canonical(o.toString());
      Integer n = subscribers.get(ch);
      if (n == null) {
        continue;
      }
      if (n <= 1) {
        subscribers.remove(ch);
      } else {
        subscribers.put(ch, n - 1);
      }
      total--;
    }
  }

  public int subscribers(String channel) {
    return subscribers.getOrDefault(canonical(channel), 0);
  }

  /** Channel key -> subscribers (a read-only view). */
  public Map<String, Integer> bySubscribers() {
    return Collections.unmodifiableMap(subscribers);
  }

  public long totalSubscriptions() {
    return total;
  }

  public int channelCount() {
    return subscribers.size();
  }

  /**
   * {@code {"channels":[{"ch":..,"subscribers":n}..], "totalSubscriptions":n, "channelCount":n}}, channels by
   * subscribers descending, then by key; {@code top} > 0 keeps only the first {@code top} channels.
   */
  public JsonObject toJson(int top) {
    List<Map.Entry<String, Integer>> list = new ArrayList<>(subscribers.entrySet());
    list.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
        .thenComparing(Map.Entry.comparingByKey()));
    JsonArray channels = new JsonArray();
    for (Map.Entry<String, Integer> e : list) {
      if (top > 0 && channels.size() == top) {
        break;
      }
      channels.add(new JsonObject().put("ch", e.getKey()).put("subscribers", e.getValue()));
    }
    return new JsonObject().put("channels", channels).put("totalSubscriptions", total)
        .put("channelCount", subscribers.size());
  }

  private static String canonical(String ch) {
    try {
      return ChannelKey.parse(ch).toString();
    } catch (ProtocolException e) {
      return ch;
    }
  }
}
