package io.quotecast.app;

import static io.quotecast.app.WsClient.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.GatewayCounters;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Disconnects give back everything (connections, subscriptions, feeds, consumers, conflation groups), and a channel
 * is bridged once per gateway instance however many clients subscribe (ARCHITECTURE.md, hot-path rules 1–3).
 */
class CleanupTest extends SharedServerTest {
  private static final int CLIENTS = 6;

  @Test
  void disconnectReleasesEverythingAndFeedsAreShared() {
    GatewayCounters counters = server.counters();
    assertTrue(QuotecastServer.poll(() -> counters.connections.get() == 0 && counters.subscriptions.get() == 0, 5000),
        () -> "a clean start: " + counters.toJson());
    JsonObject baseline = counters.toJson();
    long statsBaseline = totalSubscriptions();

    List<String> symbols = List.of(BUSY, "000001.SZ", "000002.SZ", "600000.SH");
    Set<String> channels = new LinkedHashSet<>();
    List<WsClient> clients = new ArrayList<>();
    int subscriptions = 0;
    try {
      for (int i = 0; i < CLIENTS; i++) {
        WsClient c = WsClient.open(server.vertx, server.port, "/ws");
        clients.add(c);
        List<String> mine = new ArrayList<>();
        for (int k = 0; k <= i % symbols.size(); k++) {
          mine.add("quote:" + symbols.get(k));
          mine.add("trade:" + symbols.get(k));
        }
        mine.add("kline:1m:" + BUSY);
        String freq = i % 2 == 0 ? "realtime" : "1s";
        JsonObject data = c.ok("subscribe", args("channels", mine, "freq", freq));
        assertEquals(mine.size(), data.getJsonArray("subscribed").size(), data::encode);
        channels.addAll(mine);
        subscriptions += mine.size();
      }
      int expected = subscriptions;
      assertEquals(baseline.getLong("connections") + CLIENTS, counters.connections.get());
      assertEquals(baseline.getLong("subscriptions") + expected, counters.subscriptions.get());
      long feeds = counters.feeds.get() - baseline.getLong("feeds");
      assertTrue(feeds >= channels.size(), "at least one feed per channel: " + feeds);
      assertTrue(feeds <= 2L * channels.size(), () -> "one feed per channel per instance (2 instances), not per "
          + "client: " + feeds + " feeds for " + channels.size() + " channels, " + expected + " subscriptions");
      assertTrue(feeds < expected, "feeds are shared between clients");
      assertTrue(QuotecastServer.poll(() -> counters.consumers.get() == counters.feeds.get(), 5000),
          () -> "one consumer per feed: " + counters.toJson());
      assertTrue(counters.conflationGroups.get() > baseline.getLong("conflationGroups"), "1s groups exist");

      HttpResponse<Buffer> stats = server.getMonitor("/stats");
      assertEquals(200, stats.statusCode());
      JsonObject gateway = stats.bodyAsJsonObject().getJsonObject("gateway");
      assertEquals(counters.connections.get(), gateway.getLong("connections"), stats::bodyAsString);
      assertEquals(counters.subscriptions.get(), gateway.getLong("subscriptions"), stats::bodyAsString);
      assertEquals(counters.feeds.get(), gateway.getLong("feeds"), stats::bodyAsString);
      assertEquals(statsBaseline + expected, totalSubscriptions(), "the subscription service counts them too");
    } finally {
      clients.forEach(WsClient::close);
    }

    boolean released = QuotecastServer.poll(() -> counters.connections.get() == baseline.getLong("connections")
        && counters.subscriptions.get() == baseline.getLong("subscriptions")
        && counters.feeds.get() == baseline.getLong("feeds")
        && counters.consumers.get() == baseline.getLong("consumers")
        && counters.conflationGroups.get() == baseline.getLong("conflationGroups"), 5000);
    assertTrue(released, () -> "after disconnect, counters return to " + baseline + " but are " + counters.toJson());
    JsonObject gateway = server.getMonitor("/stats").bodyAsJsonObject().getJsonObject("gateway");
    assertEquals(baseline.getLong("feeds"), gateway.getLong("feeds"));
    assertEquals(baseline.getLong("connections"), gateway.getLong("connections"));
    assertTrue(QuotecastServer.poll(() -> totalSubscriptions() == statsBaseline, 5000),
        () -> "the subscription service is told of the releases: " + totalSubscriptions() + " vs " + statsBaseline);
  }

  private static long totalSubscriptions() {
    JsonObject stats = server.getMonitor("/stats").bodyAsJsonObject();
    JsonObject subs = stats.getJsonObject("subscriptions");
    assertTrue(subs != null && subs.containsKey("totalSubscriptions"), stats::encode);
    return subs.getLong("totalSubscriptions");
  }

  @Test
  void unsubscribeReleasesFeedsToo() {
    GatewayCounters counters = server.counters();
    assertTrue(QuotecastServer.poll(() -> counters.subscriptions.get() == 0, 5000));
    JsonObject baseline = counters.toJson();
    WsClient a = client();
    WsClient b = client();
    a.ok("subscribe", args("channels", List.of("quote:" + BUSY, "trade:" + BUSY), "freq", "500ms"));
    b.ok("subscribe", args("channels", List.of("quote:" + BUSY)));
    assertEquals(baseline.getLong("subscriptions") + 3, counters.subscriptions.get());
    a.ok("unsubscribe", args("all", true));
    b.ok("unsubscribe", args("channels", List.of("quote:" + BUSY)));
    assertTrue(QuotecastServer.poll(() -> counters.subscriptions.get() == baseline.getLong("subscriptions")
        && counters.feeds.get() == baseline.getLong("feeds")
        && counters.consumers.get() == baseline.getLong("consumers")
        && counters.conflationGroups.get() == baseline.getLong("conflationGroups"), 5000),
        () -> "after unsubscribe: " + counters.toJson() + " baseline " + baseline);
    assertEquals(2, counters.connections.get() - baseline.getLong("connections"));
  }
}
