package io.quotecast.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quotecast.common.ChannelKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubscriptionStatsTest {

  private static List<ChannelKey> keys(String... channels) {
    return java.util.Arrays.stream(channels).map(ChannelKey::parse).toList();
  }

  @Test
  void countsAddsAndReleases() {
    SubscriptionStats s = new SubscriptionStats();
    s.added(keys("quote:600519.SH", "trade:600519.SH"));
    s.added(keys("quote:600519.SH"));
    s.added(keys("quote:600519.SH", "quote:000001.SZ"));
    assertEquals(3, s.subscribers("quote:600519.SH"));
    assertEquals(3, s.subscribers("quote:600519.sh"));
    assertEquals(5, s.totalSubscriptions());
    assertEquals(3, s.channelCount());

    JsonObject json = s.toJson(0);
    assertEquals(new JsonObject().put("ch", "quote:600519.SH").put("subscribers", 3),
        json.getJsonArray("channels").getJsonObject(0));
    // ties by key
    assertEquals("quote:000001.SZ", json.getJsonArray("channels").getJsonObject(1).getString("ch"));
    assertEquals("trade:600519.SH", json.getJsonArray("channels").getJsonObject(2).getString("ch"));
    assertEquals(5L, json.getLong("totalSubscriptions"));
    assertEquals(3, json.getInteger("channelCount"));
    assertEquals(1, s.toJson(1).getJsonArray("channels").size());
    assertEquals(3, s.toJson(1).getInteger("channelCount"));

    s.released(List.of("quote:600519.sh", "trade:600519.SH"));
    assertEquals(2, s.subscribers("quote:600519.SH"));
    assertEquals(0, s.subscribers("trade:600519.SH"));
    assertEquals(2, s.channelCount(), "channels at zero disappear");
    assertEquals(3, s.totalSubscriptions());
  }

  @Test
  void neverBelowZero() {
    SubscriptionStats s = new SubscriptionStats();
    s.added(keys("quote:600519.SH"));
    s.released(List.of("quote:600519.SH", "quote:600519.SH", "quote:000001.SZ", "garbage"));
    java.util.ArrayList<Object> withNull = new java.util.ArrayList<>();
    withNull.add(null);
    s.released(withNull);
    assertEquals(0, s.subscribers("quote:600519.SH"));
    assertEquals(0, s.totalSubscriptions());
    assertEquals(new JsonObject().put("channels", new JsonArray()).put("totalSubscriptions", 0L).put("channelCount", 0),
        s.toJson(0));
  }
}
