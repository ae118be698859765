package io.quotecast.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code GET /admin/subscriptions} from the subscription role's cluster-wide statistics: by type, top N. */
class SubscriptionStatsViewTest {
  private static final JsonObject STATS = new JsonObject()
      .put("channels", new JsonArray()
          .add(new JsonObject().put("ch", "quote:600519.SH").put("subscribers", 9))
          .add(new JsonObject().put("ch", "trade:600519.SH").put("subscribers", 5))
          .add(new JsonObject().put("ch", "quote:000001.SZ").put("subscribers", 4))
          .add(new JsonObject().put("ch", "kline:1m:600519.SH").put("subscribers", 1)))
      .put("totalSubscriptions", 19).put("channelCount", 4).put("connections", 12).put("users", 3)
      .put("anonymousConnections", 2).put("nodes", new JsonArray().add(new JsonObject().put("node", "local")));

  @Test
  void byTypeAndTopChannels() {
    JsonObject view = AdminApi.subscriptionStats(STATS, 2, null);
    assertEquals(19, view.getInteger("totalSubscriptions"));
    JsonObject byType = view.getJsonObject("byType");
    assertEquals(new JsonObject().put("channels", 2).put("subscriptions", 13L), byType.getJsonObject("quote"));
    assertEquals(new JsonObject().put("channels", 1).put("subscriptions", 5L), byType.getJsonObject("trade"));
    assertEquals(new JsonObject().put("channels", 1).put("subscriptions", 1L), byType.getJsonObject("kline"));
    assertEquals(List.of("quote:600519.SH", "trade:600519.SH"), channels(view));
    assertEquals("quote", view.getJsonArray("channels").getJsonObject(0).getString("type"));
    assertEquals(1, view.getJsonArray("nodes").size());
  }

  @Test
  void oneType() {
    JsonObject view = AdminApi.subscriptionStats(STATS, 10, "quote");
    assertEquals(List.of("quote:600519.SH", "quote:000001.SZ"), channels(view));
    assertEquals(13L, view.getJsonObject("byType").getJsonObject("quote").getLong("subscriptions"),
        "the breakdown covers every channel, whatever the filter");
  }

  private static List<String> channels(JsonObject view) {
    return view.getJsonArray("channels").stream().map(o -> ((JsonObject) o).getString("ch")).toList();
  }
}
