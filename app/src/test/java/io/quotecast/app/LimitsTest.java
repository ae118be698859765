package io.quotecast.app;

import static io.quotecast.app.WsClient.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.Listing;
import io.quotecast.common.ListingLoader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** tiers.<tier>.subscriptionsPerConnection (PROTOCOL.md §4: all-or-nothing, LIMIT_EXCEEDED). */
class LimitsTest extends SharedServerTest {

  static List<String> quoteChannels(int from, int n) {
    List<Listing> all = ListingLoader.loadShipped();
    List<String> out = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      out.add("quote:" + all.get(i).symbol());
    }
    return out;
  }

  @Test
  void subscribeOverTheLimitChangesNothing() {
    int max = SharedServer.SUBSCRIPTIONS_PER_CONNECTION;
    WsClient c = client();
    List<String> first = quoteChannels(0, max - 5);
    JsonObject ok = c.ok("subscribe", args("channels", first, "snapshot", false));
    assertEquals(max - 5, ok.getJsonArray("subscribed").size(), ok::encode);

    List<String> more = quoteChannels(max - 5, 10);
    JsonObject e = c.error("subscribe", args("channels", more), "LIMIT_EXCEEDED");
    assertEquals("subscriptionsPerConnection", e.getString("limit"), e::encode);
    assertEquals(max, e.getInteger("max"), e::encode);
    assertEquals(max - 5, e.getInteger("current"), e::encode);
    assertEquals(10, e.getInteger("requested"), e::encode);

    JsonArray subs = c.ok("list").getJsonArray("subscriptions");
    assertEquals(max - 5, subs.size(), "nothing changed");
    assertEquals(first, subs.stream().map(o -> ((JsonObject) o).getString("ch")).toList());
    QuotecastServer.sleep(300);
    assertTrue(more.stream().allMatch(ch -> c.channel(ch).isEmpty()), "no data for the refused channels");

    // up to the limit works; one more does not; existing channels do not count again
    JsonObject fill = c.ok("subscribe", args("channels", quoteChannels(max - 5, 5), "snapshot", false));
    assertEquals(5, fill.getJsonArray("subscribed").size());
    JsonObject over = c.error("subscribe", args("channels", quoteChannels(max, 1)), "LIMIT_EXCEEDED");
    assertEquals(max, over.getInteger("current"), over::encode);
    assertEquals(1, over.getInteger("requested"), over::encode);
    JsonObject again = c.ok("subscribe", args("channels", quoteChannels(0, 3), "freq", "1s", "snapshot", false));
    assertEquals(3, again.getJsonArray("subscribed").size(), "resubscribing existing channels at the limit works");
    assertEquals(max, c.ok("list").getJsonArray("subscriptions").size());
  }

  @Test
  void tooManyChannelsInOneRequest() {
    WsClient c = client();
    List<String> channels = new ArrayList<>();
    for (Listing l : ListingLoader.loadShipped().subList(0, 201)) {
      channels.add("quote:" + l.symbol());
    }
    JsonObject e = c.error("subscribe", args("channels", channels), "LIMIT_EXCEEDED");
    assertTrue(List.of("channelsPerRequest", "subscriptionsPerConnection").contains(e.getString("limit")), e::encode);
    assertEquals(0, c.ok("list").getJsonArray("subscriptions").size());
  }
}
