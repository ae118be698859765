package io.quotecast.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.Addresses;
import io.quotecast.common.ConfigLoader;
import io.quotecast.common.auth.Principal;
import io.quotecast.common.auth.Scopes;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class SubscriptionVerticleTest {
  static final Set<String> ALL_SCOPES = Set.of(Scopes.QUOTE, Scopes.TRADE, Scopes.KLINE);

  /** Deploys the verticle with the real config tree (defaults), adjusted by {@code tweak}. */
  private static Future<String> deploy(Vertx vertx, Consumer<JsonObject> tweak) {
    return ConfigLoader.load(vertx, null).compose(config -> {
      tweak.accept(config);
      return vertx.deployVerticle(new SubscriptionVerticle(), new DeploymentOptions().setConfig(config));
    });
  }

  /** Sets {@code tiers.<tier>.<field>}. */
  private static Consumer<JsonObject> tier(String tier, String field, Object value) {
    return c -> c.getJsonObject("tiers").getJsonObject(tier).put(field, value);
  }

  private static Future<JsonObject> request(Vertx vertx, String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body).map(m -> m.body());
  }

  private static JsonObject user(String id, String tier, Set<String> scopes) {
    return new Principal(id, tier, scopes, false, 0).toJson();
  }

  private static JsonObject user(String id, String tier) {
    return user(id, tier, ALL_SCOPES);
  }

  private static JsonObject anonymous() {
    return Principal.anonymous("free", ALL_SCOPES).toJson();
  }

  private static Future<JsonObject> connect(Vertx vertx, String connectionId, JsonObject user) {
    return request(vertx, Addresses.SUBSCRIPTION_CONNECT,
        new JsonObject().put("connectionId", connectionId).put("user", user));
  }

  /** Connects and insists it worked. */
  private static Future<JsonObject> connected(Vertx vertx, String connectionId, JsonObject user) {
    return connect(vertx, connectionId, user).compose(reply -> reply.containsKey("error")
        ? Future.failedFuture("connect " + connectionId + " failed: " + reply.encode())
        : Future.succeededFuture(reply));
  }

  private static Future<JsonObject> check(Vertx vertx, String connectionId, List<String> channels, String freq) {
    JsonObject body = new JsonObject().put("connectionId", connectionId).put("channels", new JsonArray(channels));
    return request(vertx, Addresses.SUBSCRIPTION_CHECK, freq == null ? body : body.put("freq", freq));
  }

  private static Future<JsonObject> check(Vertx vertx, String connectionId, String... channels) {
    return check(vertx, connectionId, List.of(channels), null);
  }

  private static void released(Vertx vertx, String connectionId, String... channels) {
    vertx.eventBus().publish(Addresses.SUBSCRIPTION_RELEASED,
        new JsonObject().put("connectionId", connectionId).put("channels", new JsonArray(List.of(channels))));
  }

  private static void disconnect(Vertx vertx, String connectionId) {
    vertx.eventBus().publish(Addresses.SUBSCRIPTION_DISCONNECT, new JsonObject().put("connectionId", connectionId));
  }

  private static Future<JsonObject> stats(Vertx vertx) {
    return request(vertx, Addresses.SUBSCRIPTION_STATS, new JsonObject());
  }

  /** Asks for stats until {@code condition} holds (a publish is delivered asynchronously), at most ~2 s. */
  private static Future<JsonObject> statsWhen(Vertx vertx, Predicate<JsonObject> condition) {
    return statsWhen(vertx, condition, 100);
  }

  private static Future<JsonObject> statsWhen(Vertx vertx, Predicate<JsonObject> condition, int attempts) {
    return stats(vertx).compose(stats -> {
      if (condition.test(stats) || attempts <= 1) {
        return Future.succeededFuture(stats);
      }
      return vertx.timer(20).compose(t -> statsWhen(vertx, condition, attempts - 1));
    });
  }

  private static void assertLimit(JsonObject reply, String limit, int max, int current, int requested) {
    JsonObject error = reply.getJsonObject("error");
    assertTrue(error != null, "expected an error: " + reply.encode());
    assertEquals("LIMIT_EXCEEDED", error.getString("code"), reply.encode());
    assertEquals(limit, error.getString("limit"), reply.encode());
    assertEquals(max, error.getInteger("max"), reply.encode());
    assertEquals(current, error.getInteger("current"), reply.encode());
    assertEquals(requested, error.getInteger("requested"), reply.encode());
    assertFalse(reply.containsKey("accepted"));
  }

  private static List<String> acceptedChannels(JsonObject reply) {
    assertNull(reply.getValue("error"), reply.encode());
    return reply.getJsonArray("accepted").stream().map(o -> ((JsonObject) o).getString("ch")).toList();
  }

  @Test
  void connectRepliesWithTheTierLimitsAndTheUser(Vertx vertx, VertxTestContext ctx) {
    JsonObject pro = user("u1", "pro");
    deploy(vertx, c -> {})
        .compose(id -> connect(vertx, "c-1", pro))
        .compose(reply -> {
          ctx.verify(() -> {
            assertEquals(new JsonObject().put("limits", new JsonObject().put("tier", "pro").put("minFreq", "realtime")
                .put("subscriptions", 1000).put("subscriptionsPerUser", 10000).put("connectionsPerUser", 50))
                .put("user", pro), reply);
          });
          return connect(vertx, "c-1", pro); // idempotent
        })
        .compose(reply -> {
          ctx.verify(() -> assertEquals("pro", reply.getJsonObject("limits").getString("tier")));
          // a tier not in the table gets the lowest one
          return connect(vertx, "c-2", user("u2", "gold"));
        })
        .compose(reply -> {
          ctx.verify(() -> {
            assertEquals("free", reply.getJsonObject("limits").getString("tier"), reply.encode());
            assertEquals("gold", reply.getJsonObject("user").getString("tier"));
          });
          return connect(vertx, "c-3", new JsonObject().put("tier", "pro"));
        })
        .compose(reply -> {
          ctx.verify(() -> {
            assertEquals("BAD_REQUEST", reply.getJsonObject("error").getString("code"));
            assertEquals("user.id", reply.getJsonObject("error").getString("field"));
          });
          return request(vertx, Addresses.SUBSCRIPTION_CONNECT, new JsonObject().put("connectionId", "c-3"));
        })
        .compose(reply -> {
          ctx.verify(() -> assertEquals("user", reply.getJsonObject("error").getString("field")));
          return request(vertx, Addresses.SUBSCRIPTION_CONNECT, new JsonObject().put("user", pro));
        })
        .compose(reply -> {
          ctx.verify(() -> assertEquals("connectionId", reply.getJsonObject("error").getString("field")));
          return connect(vertx, "c-3", pro.copy().put("scopes", "md:quote"));
        })
        .compose(reply -> {
          ctx.verify(() -> assertEquals("BAD_REQUEST", reply.getJsonObject("error").getString("code")));
          return stats(vertx);
        })
        .onComplete(ctx.succeeding(stats -> ctx.verify(() -> {
          assertEquals(2, stats.getInteger("connections"), stats.encode());
          assertEquals(2, stats.getInteger("users"));
          assertEquals(0, stats.getInteger("anonymousConnections"));
          ctx.completeNow();
        })));
  }

  @Test
  void unregisteredConnectionsAreUnauthorized(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, c -> {})
        .compose(id -> check(vertx, "c-1", "quote:600519.SH"))
        .compose(reply -> {
          ctx.verify(() -> {
            assertEquals(new JsonObject().put("code", "UNAUTHORIZED").put("message", "connection is not registered"),
                reply.getJsonObject("error"));
            assertFalse(reply.containsKey("accepted"));
          });
          return connected(vertx, "c-1", user("u1", "pro"));
        })
        .compose(r -> check(vertx, "c-1", "quote:600519.SH"))
        .compose(reply -> {
          ctx.verify(() -> assertEquals(List.of("quote:600519.SH"), acceptedChannels(reply)));
          disconnect(vertx, "c-1");
          return statsWhen(vertx, s -> s.getInteger("connections") == 0);
        })
        .compose(stats -> check(vertx, "c-1", "quote:600519.SH"))
        .compose(reply -> {
          ctx.verify(() -> assertEquals("UNAUTHORIZED", reply.getJsonObject("error").getString("code"),
              "forgotten after DISCONNECT"));
          return request(vertx, Addresses.SUBSCRIPTION_CHECK,
              new JsonObject().put("channels", new JsonArray().add("quote:600519.SH")));
        })
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals("BAD_REQUEST", reply.getJsonObject("error").getString("code"));
          assertEquals("connectionId", reply.getJsonObject("error").getString("field"));
          ctx.completeNow();
        })));
  }

  @Test
  void checkCountsReleasesAndReportsStats(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, tier("pro", "minFreq", "500ms"))
        .compose(id -> connected(vertx, "c-1", user("u1", "pro")))
        .compose(r -> connected(vertx, "c-2", user("u2", "pro")))
        .compose(r -> check(vertx, "c-1", "trade:000001.SZ"))
        .compose(r -> check(vertx, "c-1",
            List.of("quote:600519.SH", "kline:1m:600519.sh", "quote:600520.SH", "trade:000001.SZ"), "250ms"))
        .compose(reply -> {
          ctx.verify(() -> {
            assertNull(reply.getValue("error"), reply.encode());
            JsonArray accepted = reply.getJsonArray("accepted");
            assertEquals(3, accepted.size(), reply.encode());
            assertEquals(new JsonObject().put("ch", "quote:600519.SH").put("freq", "500ms").put("existing", false),
                accepted.getJsonObject(0));
            assertEquals("kline:1m:600519.SH", accepted.getJsonObject(1).getString("ch"));
            assertTrue(accepted.getJsonObject(2).getBoolean("existing"), "counted by the first check");
            JsonObject rejected = reply.getJsonArray("rejected").getJsonObject(0);
            assertEquals("quote:600520.SH", rejected.getString("ch"));
            assertEquals("INVALID_SYMBOL", rejected.getString("code"));
            assertEquals("unknown symbol 600520.SH", rejected.getString("message"));
            assertEquals("600519.SH 贵州茅台", rejected.getJsonArray("suggestions").getString(0));
          });
          // a second connection subscribes to the quote too
          return check(vertx, "c-2", "quote:600519.SH");
        })
        .compose(reply -> stats(vertx))
        .compose(stats -> {
          ctx.verify(() -> {
            assertEquals(new JsonObject().put("ch", "quote:600519.SH").put("subscribers", 2),
                stats.getJsonArray("channels").getJsonObject(0));
            assertEquals(4, stats.getInteger("totalSubscriptions"), "existing channels are not counted again");
            assertEquals(3, stats.getInteger("channelCount"));
            assertEquals(2, stats.getInteger("connections"));
            assertEquals(2, stats.getInteger("users"));
          });
          released(vertx, "c-1", "quote:600519.SH", "kline:1m:600519.SH", "trade:000001.SZ");
          vertx.eventBus().publish(Addresses.SUBSCRIPTION_RELEASED, "not json"); // ignored
          vertx.eventBus().publish(Addresses.SUBSCRIPTION_DISCONNECT, "not json"); // ignored
          return statsWhen(vertx, s -> s.getInteger("totalSubscriptions") == 1);
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
    deploy(vertx, tier("pro", "subscriptionsPerConnection", 2)
            .andThen(c -> c.getJsonObject("limits").put("channelsPerRequest", 3)))
        .compose(id -> connected(vertx, "c-1", user("u1", "pro")))
        .compose(r -> check(vertx, "c-1", "quote:000001.SZ"))
        .compose(r -> check(vertx, "c-1", "quote:600519.SH", "trade:600519.SH"))
        .compose(reply -> {
          ctx.verify(() -> assertLimit(reply, "subscriptionsPerConnection", 2, 1, 2));
          return check(vertx, "c-1", "quote:600519.SH", "trade:600519.SH", "quote:000001.SZ", "trade:000001.SZ");
        })
        .compose(reply -> {
          ctx.verify(() -> assertEquals("channelsPerRequest", reply.getJsonObject("error").getString("limit")));
          return check(vertx, "c-1", List.of("quote:600519.SH"), "2s");
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
          return stats(vertx);
        })
        .onComplete(ctx.succeeding(stats -> ctx.verify(() -> {
          assertEquals(1, stats.getInteger("totalSubscriptions"), "failed requests count nothing");
          ctx.completeNow();
        })));
  }

  @Test
  void scopesRejectEachChannelTypeOnItsOwn(Vertx vertx, VertxTestContext ctx) {
    List<String> all = List.of("quote:600519.SH", "trade:600519.SH", "kline:1m:600519.SH");
    deploy(vertx, c -> {})
        .compose(id -> connected(vertx, "q", user("uq", "pro", Set.of(Scopes.QUOTE))))
        .compose(r -> connected(vertx, "t", user("ut", "pro", Set.of(Scopes.TRADE))))
        .compose(r -> connected(vertx, "k", user("uk", "pro", Set.of(Scopes.KLINE))))
        .compose(r -> connected(vertx, "none", user("un", "pro", Set.of(Scopes.ADMIN))))
        .compose(r -> check(vertx, "q", List.of("quote:600519.SH", "trade:600519.sh", "kline:1m:600519.SH"), null))
        .compose(reply -> {
          ctx.verify(() -> {
            assertEquals(List.of("quote:600519.SH"), acceptedChannels(reply));
            JsonArray rejected = reply.getJsonArray("rejected");
            assertEquals(new JsonObject().put("ch", "trade:600519.sh").put("code", "FORBIDDEN")
                .put("message", "channel trade:600519.SH requires scope md:trade").put("required", "md:trade"),
                rejected.getJsonObject(0));
            assertEquals("kline:1m:600519.SH", rejected.getJsonObject(1).getString("ch"));
            assertEquals("FORBIDDEN", rejected.getJsonObject(1).getString("code"));
            assertEquals("md:kline", rejected.getJsonObject(1).getString("required"));
          });
          return check(vertx, "t", all, null);
        })
        .compose(reply -> {
          ctx.verify(() -> {
            assertEquals(List.of("trade:600519.SH"), acceptedChannels(reply));
            assertEquals(List.of("md:quote", "md:kline"), reply.getJsonArray("rejected").stream()
                .map(o -> ((JsonObject) o).getString("required")).toList());
          });
          return check(vertx, "k", all, null);
        })
        .compose(reply -> {
          ctx.verify(() -> {
            assertEquals(List.of("kline:1m:600519.SH"), acceptedChannels(reply));
            assertEquals(List.of("md:quote", "md:trade"), reply.getJsonArray("rejected").stream()
                .map(o -> ((JsonObject) o).getString("required")).toList());
          });
          return check(vertx, "none", all, null);
        })
        .compose(reply -> {
          ctx.verify(() -> {
            assertEquals(List.of(), acceptedChannels(reply), "admin is not a data scope");
            assertEquals(3, reply.getJsonArray("rejected").size());
          });
          return stats(vertx);
        })
        .onComplete(ctx.succeeding(stats -> ctx.verify(() -> {
          assertEquals(3, stats.getInteger("totalSubscriptions"), "forbidden channels are not counted");
          ctx.completeNow();
        })));
  }

  @Test
  void eachTiersMinFreqRaisesTheRequestedFreq(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, c -> {})
        .compose(id -> connected(vertx, "f", user("uf", "free")))
        .compose(r -> connected(vertx, "s", user("us", "standard")))
        .compose(r -> connected(vertx, "p", user("up", "pro")))
        .compose(r -> connected(vertx, "a", anonymous()))
        .compose(r -> Future.all(List.of(
            check(vertx, "f", List.of("quote:600519.SH"), "100ms"),
            check(vertx, "s", List.of("quote:600519.SH"), "100ms"),
            check(vertx, "p", List.of("quote:600519.SH"), "100ms"),
            check(vertx, "a", List.of("quote:600519.SH"), null),
            check(vertx, "s", List.of("trade:600519.SH"), "3s"))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          List<String> freqs = all.<JsonObject>list().stream()
              .map(r -> r.getJsonArray("accepted").getJsonObject(0).getString("freq")).toList();
          assertEquals(List.of("1s", "250ms", "100ms", "1s", "3s"), freqs);
          ctx.completeNow();
        })));
  }

  @Test
  void perConnectionLimitOfEachTier(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, tier("free", "subscriptionsPerConnection", 1)
            .andThen(tier("standard", "subscriptionsPerConnection", 2))
            .andThen(tier("pro", "subscriptionsPerConnection", 3)))
        .compose(id -> connected(vertx, "f", user("uf", "free")))
        .compose(r -> connected(vertx, "s", user("us", "standard")))
        .compose(r -> connected(vertx, "p", user("up", "pro")))
        .compose(r -> Future.all(List.of(
            check(vertx, "f", "quote:600519.SH", "trade:600519.SH", "quote:000001.SZ", "trade:000001.SZ"),
            check(vertx, "s", "quote:600519.SH", "trade:600519.SH", "quote:000001.SZ", "trade:000001.SZ"),
            check(vertx, "p", "quote:600519.SH", "trade:600519.SH", "quote:000001.SZ", "trade:000001.SZ"))))
        .compose(all -> {
          ctx.verify(() -> {
            assertLimit(all.resultAt(0), "subscriptionsPerConnection", 1, 0, 4);
            assertLimit(all.resultAt(1), "subscriptionsPerConnection", 2, 0, 4);
            assertLimit(all.resultAt(2), "subscriptionsPerConnection", 3, 0, 4);
          });
          return Future.all(List.of(
              check(vertx, "f", "quote:600519.SH"),
              check(vertx, "s", "quote:600519.SH", "trade:600519.SH"),
              check(vertx, "p", "quote:600519.SH", "trade:600519.SH", "quote:000001.SZ")));
        })
        .compose(all -> {
          ctx.verify(() -> {
            assertEquals(1, acceptedChannels(all.resultAt(0)).size());
            assertEquals(2, acceptedChannels(all.resultAt(1)).size());
            assertEquals(3, acceptedChannels(all.resultAt(2)).size());
          });
          return check(vertx, "p", "quote:600519.SH", "kline:1d:600519.SH");
        })
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertLimit(reply, "subscriptionsPerConnection", 3, 3, 1);
          ctx.completeNow();
        })));
  }

  @Test
  void twoConnectionsOfOneUserShareSubscriptionsPerUser(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, tier("standard", "subscriptionsPerUser", 3))
        .compose(id -> connected(vertx, "c-1", user("u1", "standard")))
        .compose(r -> connected(vertx, "c-2", user("u1", "standard")))
        .compose(r -> connected(vertx, "c-3", user("u2", "standard")))
        .compose(r -> check(vertx, "c-1", "quote:600519.SH", "trade:600519.SH"))
        .compose(r -> check(vertx, "c-2", "quote:600519.SH", "quote:000001.SZ"))
        .compose(reply -> {
          ctx.verify(() -> assertLimit(reply, "subscriptionsPerUser", 3, 2, 2));
          return check(vertx, "c-3", "quote:600519.SH", "quote:000001.SZ", "trade:000001.SZ");
        })
        .compose(reply -> {
          ctx.verify(() -> assertEquals(3, acceptedChannels(reply).size(), "another user has its own budget"));
          return check(vertx, "c-2", "quote:600519.SH");
        })
        .compose(reply -> {
          ctx.verify(() -> assertEquals(List.of("quote:600519.SH"), acceptedChannels(reply)));
          return check(vertx, "c-2", "quote:000001.SZ");
        })
        .compose(reply -> {
          ctx.verify(() -> assertLimit(reply, "subscriptionsPerUser", 3, 3, 1));
          released(vertx, "c-1", "trade:600519.SH");
          return statsWhen(vertx, s -> s.getInteger("totalSubscriptions") == 5);
        })
        .compose(stats -> check(vertx, "c-2", "quote:000001.SZ"))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals(List.of("quote:000001.SZ"), acceptedChannels(reply), "a release frees the user's budget");
          ctx.completeNow();
        })));
  }

  @Test
  void connectionsPerUserExceededThenFreedByDisconnect(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, tier("free", "connectionsPerUser", 2))
        .compose(id -> connected(vertx, "c-1", user("u1", "free")))
        .compose(r -> connected(vertx, "c-2", user("u1", "free")))
        .compose(r -> connect(vertx, "c-3", user("u1", "free")))
        .compose(reply -> {
          ctx.verify(() -> assertLimit(reply, "connectionsPerUser", 2, 2, 1));
          return check(vertx, "c-3", "quote:600519.SH");
        })
        .compose(reply -> {
          ctx.verify(() -> assertEquals("UNAUTHORIZED", reply.getJsonObject("error").getString("code"),
              "a refused connection is not registered"));
          return connected(vertx, "c-2", user("u1", "free")); // idempotent: still fine
        })
        .compose(r -> {
          disconnect(vertx, "c-1");
          disconnect(vertx, "nobody"); // ignored
          return statsWhen(vertx, s -> s.getInteger("connections") == 1);
        })
        .compose(stats -> connect(vertx, "c-3", user("u1", "free")))
        .compose(reply -> {
          ctx.verify(() -> assertEquals("free", reply.getJsonObject("limits").getString("tier"), reply.encode()));
          return stats(vertx);
        })
        .onComplete(ctx.succeeding(stats -> ctx.verify(() -> {
          assertEquals(2, stats.getInteger("connections"));
          assertEquals(1, stats.getInteger("users"));
          ctx.completeNow();
        })));
  }

  @Test
  void anonymousConnectionsAreNotPooled(Vertx vertx, VertxTestContext ctx) {
    // free: 1 connection and 2 subscriptions per user; anonymous connections are each their own user
    deploy(vertx, tier("free", "connectionsPerUser", 1).andThen(tier("free", "subscriptionsPerUser", 2)))
        .compose(id -> connected(vertx, "a-1", anonymous()))
        .compose(r -> connected(vertx, "a-2", anonymous()))
        .compose(r -> connected(vertx, "a-3", anonymous()))
        .compose(r -> Future.all(List.of(
            check(vertx, "a-1", "quote:600519.SH", "trade:600519.SH"),
            check(vertx, "a-2", "quote:600519.SH", "trade:600519.SH"),
            check(vertx, "a-3", "quote:600519.SH", "trade:600519.SH", "quote:000001.SZ"))))
        .compose(all -> {
          ctx.verify(() -> {
            assertEquals(2, acceptedChannels(all.resultAt(0)).size());
            assertEquals(2, acceptedChannels(all.resultAt(1)).size());
            assertLimit(all.resultAt(2), "subscriptionsPerUser", 2, 0, 3);
          });
          return stats(vertx);
        })
        .onComplete(ctx.succeeding(stats -> ctx.verify(() -> {
          assertEquals(3, stats.getInteger("connections"));
          assertEquals(3, stats.getInteger("users"));
          assertEquals(3, stats.getInteger("anonymousConnections"));
          assertEquals(4, stats.getInteger("totalSubscriptions"));
          ctx.completeNow();
        })));
  }

  @Test
  void anAnonymousConnectionMovesToAUser(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, tier("standard", "subscriptionsPerUser", 4))
        .compose(id -> connected(vertx, "c-1", user("u1", "standard")))
        .compose(r -> check(vertx, "c-1", "quote:600519.SH", "trade:600519.SH"))
        .compose(r -> connected(vertx, "a-1", anonymous()))
        .compose(r -> check(vertx, "a-1", "quote:000001.SZ", "trade:000001.SZ", "kline:1m:000001.SZ"))
        .compose(r -> connected(vertx, "a-2", anonymous()))
        .compose(r -> check(vertx, "a-2", "quote:300750.SZ"))
        // a-1 brings 3 subscriptions, u1 has 2 of 4: refused, nothing changes
        .compose(r -> connect(vertx, "a-1", user("u1", "standard")))
        .compose(reply -> {
          ctx.verify(() -> assertLimit(reply, "subscriptionsPerUser", 4, 2, 3));
          return stats(vertx);
        })
        .compose(stats -> {
          ctx.verify(() -> {
            assertEquals(3, stats.getInteger("users"));
            assertEquals(2, stats.getInteger("anonymousConnections"));
            assertEquals(6, stats.getInteger("totalSubscriptions"));
          });
          // still anonymous, still free: minFreq 1s, its own budget
          return check(vertx, "a-1", List.of("quote:000001.SZ"), "100ms");
        })
        .compose(reply -> {
          ctx.verify(() -> {
            assertEquals("1s", reply.getJsonArray("accepted").getJsonObject(0).getString("freq"));
            assertTrue(reply.getJsonArray("accepted").getJsonObject(0).getBoolean("existing"));
          });
          // a-2 brings 1: 2 + 1 <= 4, moved
          return connect(vertx, "a-2", user("u1", "standard"));
        })
        .compose(reply -> {
          ctx.verify(() -> {
            assertNull(reply.getValue("error"), reply.encode());
            assertEquals("standard", reply.getJsonObject("limits").getString("tier"));
            assertEquals("u1", reply.getJsonObject("user").getString("id"));
          });
          return check(vertx, "a-2", List.of("quote:300750.SZ"), "100ms");
        })
        .compose(reply -> {
          ctx.verify(() -> {
            JsonObject accepted = reply.getJsonArray("accepted").getJsonObject(0);
            assertEquals("250ms", accepted.getString("freq"), "the new tier applies");
            assertTrue(accepted.getBoolean("existing"), "its subscriptions moved with it");
          });
          // u1 now holds 3 of 4 over c-1 and a-2
          return check(vertx, "c-1", "kline:1d:600519.SH", "kline:1m:600519.SH");
        })
        .compose(reply -> {
          ctx.verify(() -> assertLimit(reply, "subscriptionsPerUser", 4, 3, 2));
          return stats(vertx);
        })
        .onComplete(ctx.succeeding(stats -> ctx.verify(() -> {
          assertEquals(3, stats.getInteger("connections"));
          assertEquals(2, stats.getInteger("users"), "u1 and the still-anonymous a-1");
          assertEquals(1, stats.getInteger("anonymousConnections"));
          assertEquals(6, stats.getInteger("totalSubscriptions"));
          ctx.completeNow();
        })));
  }

  @Test
  void releasedThenDisconnectDoesNotDoubleCount(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, c -> {})
        .compose(id -> connected(vertx, "c-1", user("u1", "pro")))
        .compose(r -> connected(vertx, "c-2", user("u1", "pro")))
        .compose(r -> check(vertx, "c-1", "quote:600519.SH", "trade:600519.SH"))
        .compose(r -> check(vertx, "c-2", "quote:600519.SH"))
        .compose(r -> {
          // the gateway releases on close, then disconnects; also a channel c-1 never had
          released(vertx, "c-1", "quote:600519.SH", "trade:600519.SH", "quote:000001.SZ");
          released(vertx, "c-1", "quote:600519.SH"); // again: ignored
          disconnect(vertx, "c-1");
          return statsWhen(vertx, s -> s.getInteger("connections") == 1);
        })
        .compose(stats -> {
          ctx.verify(() -> {
            assertEquals(1, stats.getInteger("totalSubscriptions"), stats.encode());
            assertEquals(new JsonObject().put("ch", "quote:600519.SH").put("subscribers", 1),
                stats.getJsonArray("channels").getJsonObject(0), "c-2's subscription survives");
          });
          // and a DISCONNECT alone releases what is still counted
          disconnect(vertx, "c-2");
          return statsWhen(vertx, s -> s.getInteger("connections") == 0);
        })
        .onComplete(ctx.succeeding(stats -> ctx.verify(() -> {
          assertEquals(0, stats.getInteger("totalSubscriptions"));
          assertEquals(0, stats.getInteger("channelCount"));
          assertEquals(0, stats.getInteger("users"));
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
          return connected(vertx, "c-1", user("u1", "pro"));
        })
        .compose(r -> check(vertx, "c-1", "quote:600520.SH", "quote:600519.SZ"))
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
          deploy(vertx, tier("free", "minFreq", "2s"))
              .onComplete(ctx.failing(e2 -> ctx.verify(() -> {
                assertTrue(e2.getMessage().contains("tiers.free.minFreq"), e2.getMessage());
                deploy(vertx, tier("pro", "subscriptionsPerUser", 0))
                    .onComplete(ctx.failing(e3 -> ctx.verify(() -> {
                      assertTrue(e3.getMessage().contains("tiers.pro.subscriptionsPerUser"), e3.getMessage());
                      deploy(vertx, c -> c.getJsonObject("tiers").remove("standard"))
                          .onComplete(ctx.failing(e4 -> ctx.verify(() -> {
                            assertTrue(e4.getMessage().contains("tiers.standard."), e4.getMessage());
                            ctx.completeNow();
                          })));
                    })));
              })));
        })));
  }
}
