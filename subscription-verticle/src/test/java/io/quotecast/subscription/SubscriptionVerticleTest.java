package io.quotecast.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.Addresses;
import io.quotecast.common.ConfigLoader;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class SubscriptionVerticleTest {

  /** Deploys the verticle with the real config tree (defaults), adjusted by {@code tweak}. */
  private static Future<String> deploy(Vertx vertx, java.util.function.Consumer<JsonObject> tweak) {
    return ConfigLoader.load(vertx, null).compose(config -> {
      tweak.accept(config);
      return vertx.deployVerticle(new SubscriptionVerticle(), new DeploymentOptions().setConfig(config));
    });
  }

  private static Future<JsonObject> request(Vertx vertx, String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body).map(m -> m.body());
  }

  private static JsonObject check(List<String> channels, List<String> existing, String freq) {
    JsonObject body = new JsonObject().put("connectionId", "c-1").put("channels", new JsonArray(channels))
        .put("existing", new JsonArray(existing));
    return freq == null ? body : body.put("freq", freq);
  }

  /** Asks for stats until {@code condition} holds (a publish is delivered asynchronously), at most ~2 s. */
  private static Future<JsonObject> statsWhen(Vertx vertx, Predicate<JsonObject> condition, int attempts) {
    return request(vertx, Addresses.SUBSCRIPTION_STATS, new JsonObject()).compose(stats -> {
      if (condition.test(stats) || attempts <= 1) {
        return Future.succeededFuture(stats);
      }
      return vertx.timer(20).compose(t -> statsWhen(vertx, condition, attempts - 1));
    });
  }

  @Test
  void checkCountsReleasesAndReportsStats(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, c -> c.getJsonObject("limits").put("minFreq", "500ms"))
        .compose(id -> request(vertx, Addresses.SUBSCRIPTION_CHECK,
            check(List.of("quote:600519.SH", "kline:1m:600519.sh", "quote:600520.SH", "trade:000001.SZ"),
                List.of("trade:000001.SZ"), "250ms")))
        .compose(reply -> {
          ctx.verify(() -> {
            assertNull(reply.getValue("error"), reply.encode());
            JsonArray accepted = reply.getJsonArray("accepted");
            assertEquals(3, accepted.size(), reply.encode());
            assertEquals(new JsonObject().put("ch", "quote:600519.SH").put("freq", "500ms").put("existing", false),
                accepted.getJsonObject(0));
            assertEquals("kline:1m:600519.SH", accepted.getJsonObject(1).getString("ch"));
            assertTrue(accepted.getJsonObject(2).getBoolean("existing"));
            JsonObject rejected = reply.getJsonArray("rejected").getJsonObject(0);
            assertEquals("quote:600520.SH", rejected.getString("ch"));
            assertEquals("INVALID_SYMBOL", rejected.getString("code"));
            assertEquals("unknown symbol 600520.SH", rejected.getString("message"));
            assertEquals("600519.SH 贵州茅台", rejected.getJsonArray("suggestions").getString(0));
          });
          // a second connection subscribes to the quote too
          return request(vertx, Addresses.SUBSCRIPTION_CHECK, check(List.of("quote:600519.SH"), List.of(), null));
        })
        .compose(reply -> request(vertx, Addresses.SUBSCRIPTION_STATS, new JsonObject()))
        .compose(stats -> {
          ctx.verify(() -> {
            assertEquals(new JsonObject().put("ch", "quote:600519.SH").put("subscribers", 2),
                stats.getJsonArray("channels").getJsonObject(0));
            assertEquals(3, stats.getInteger("totalSubscriptions"), "existing channels are not counted again");
            assertEquals(2, stats.getInteger("channelCount"));
          });
          vertx.eventBus().publish(Addresses.SUBSCRIPTION_RELEASED, new JsonObject().put("connectionId", "c-1")
              .put("channels", new JsonArray(List.of("quote:600519.SH", "kline:1m:600519.SH", "trade:000001.SZ"))));
          vertx.eventBus().publish(Addresses.SUBSCRIPTION_RELEASED, "not json"); // ignored
          return statsWhen(vertx, s -> s.getInteger("totalSubscriptions") == 1, 100);
        })
        .onComplete(ctx.succeeding(stats -> ctx.verify(() -> {
          assertEquals(1, stats.getInteger("totalSubscriptions"));
          assertEquals(1, stats.getInteger("channelCount"));
          assertEquals(new JsonObject().put("ch", "quote:600519.SH").put("subscribers", 1),
              stats.getJsonArray("channels").getJsonObject(0));
          ctx.completeNow();
        })));
  }

  @Test
  void wholeRequestFailuresAreRepliesWithExtras(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, c -> c.getJsonObject("limits").put("subscriptionsPerConnection", 2).put("channelsPerRequest", 3))
        .compose(id -> request(vertx, Addresses.SUBSCRIPTION_CHECK,
            check(List.of("quote:600519.SH", "trade:600519.SH"), List.of("quote:000001.SZ"), null)))
        .compose(reply -> {
          ctx.verify(() -> {
            JsonObject error = reply.getJsonObject("error");
            assertEquals("LIMIT_EXCEEDED", error.getString("code"), reply.encode());
            assertEquals("subscriptionsPerConnection", error.getString("limit"));
            assertEquals(2, error.getInteger("max"));
            assertEquals(1, error.getInteger("current"));
            assertEquals(2, error.getInteger("requested"));
            assertFalse(reply.containsKey("accepted"));
          });
          return request(vertx, Addresses.SUBSCRIPTION_CHECK, check(List.of("quote:600519.SH", "trade:600519.SH",
              "quote:000001.SZ", "trade:000001.SZ"), List.of(), null));
        })
        .compose(reply -> {
          ctx.verify(() -> assertEquals("channelsPerRequest", reply.getJsonObject("error").getString("limit")));
          return request(vertx, Addresses.SUBSCRIPTION_CHECK, check(List.of("quote:600519.SH"), List.of(), "2s"));
        })
        .compose(reply -> {
          ctx.verify(() -> {
            JsonObject error = reply.getJsonObject("error");
            assertEquals("INVALID_CHANNEL", error.getString("code"));
            assertTrue(error.getJsonArray("allowed").contains("250ms"));
          });
          return vertx.eventBus().<JsonObject>request(Addresses.SUBSCRIPTION_CHECK, "not an object").map(m -> m.body());
        })
        .compose(reply -> {
          ctx.verify(() -> assertEquals("BAD_REQUEST", reply.getJsonObject("error").getString("code")));
          return request(vertx, Addresses.SUBSCRIPTION_STATS, new JsonObject());
        })
        .onComplete(ctx.succeeding(stats -> ctx.verify(() -> {
          assertEquals(0, stats.getInteger("totalSubscriptions"), "failed requests count nothing");
          ctx.completeNow();
        })));
  }

  @Test
  void symbolSearchAndSuggestions(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, c -> {})
        .compose(id -> request(vertx, Addresses.SYMBOL_SEARCH, new JsonObject().put("q", "gzmt").put("limit", 10)))
        .compose(reply -> {
          ctx.verify(() -> {
            JsonObject moutai = reply.getJsonArray("results").getJsonObject(0);
            assertEquals("600519.SH", moutai.getString("symbol"));
            assertEquals("贵州茅台", moutai.getString("name"));
            assertEquals("main", moutai.getString("board"));
            assertTrue(reply.encode().contains("\"preClose\":1720.00"), reply.encode());
          });
          return request(vertx, Addresses.SYMBOL_SEARCH, new JsonObject().put("suggest", "600520.SH"));
        })
        .compose(reply -> {
          ctx.verify(() -> {
            JsonArray s = reply.getJsonArray("suggestions");
            assertEquals("600519.SH 贵州茅台", s.getString(0));
            assertEquals(5, s.size());
          });
          return request(vertx, Addresses.SYMBOL_SEARCH, new JsonObject());
        })
        .compose(reply -> {
          ctx.verify(() -> assertEquals(SubscriptionVerticle.DEFAULT_SEARCH_LIMIT, reply.getJsonArray("results").size()));
          return request(vertx, Addresses.SYMBOL_SEARCH, new JsonObject().put("q", "茅台").put("limit", "ten"));
        })
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals("BAD_REQUEST", reply.getJsonObject("error").getString("code"));
          assertEquals("limit", reply.getJsonObject("error").getString("field"));
          ctx.completeNow();
        })));
  }

  @Test
  void fullMarketFromTheConfiguredListingFile(Vertx vertx, VertxTestContext ctx) {
    String file = SharedData.referenceFile().toString();
    deploy(vertx, c -> c.getJsonObject("symbols").put("listingsFile", file))
        .compose(id -> request(vertx, Addresses.SYMBOL_SEARCH, new JsonObject().put("q", "6005").put("limit", 500)))
        .compose(reply -> {
          ctx.verify(() -> assertTrue(reply.getJsonArray("results").size() > 50, "the full market"));
          return request(vertx, Addresses.SUBSCRIPTION_CHECK,
              check(List.of("quote:600520.SH", "quote:600519.SZ"), List.of(), null));
        })
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals("quote:600520.SH", reply.getJsonArray("accepted").getJsonObject(0).getString("ch"));
          assertEquals("600519.SH 贵州茅台",
              reply.getJsonArray("rejected").getJsonObject(0).getJsonArray("suggestions").getString(0));
          ctx.completeNow();
        })));
  }

  @Test
  void badConfigFailsTheDeployment(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, c -> c.getJsonObject("symbols").put("listingsFile", "/nonexistent/listings.csv"))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertTrue(e.getMessage().contains("/nonexistent/listings.csv"), e.getMessage());
          deploy(vertx, c -> c.getJsonObject("limits").put("minFreq", "2s"))
              .onComplete(ctx.failing(e2 -> ctx.verify(() -> {
                assertTrue(e2.getMessage().contains("limits.minFreq"), e2.getMessage());
                ctx.completeNow();
              })));
        })));
  }
}
