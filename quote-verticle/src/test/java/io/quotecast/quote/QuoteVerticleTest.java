package io.quotecast.quote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.Addresses;
import io.quotecast.common.ChannelKey;
import io.quotecast.common.ConfigLoader;
import io.quotecast.common.Publication;
import io.quotecast.common.cluster.QuoteRoute;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class QuoteVerticleTest {
  /** The default {@code cluster.buckets}. */
  private static final int BUCKETS = 64;
  private static final DeliveryOptions HISTORY = QuoteRoute.options(QuoteRoute.HISTORY, 5_000);

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  void publishesAndAnswers(Vertx vertx, VertxTestContext ctx) {
    ChannelKey quote = ChannelKey.quote("600519.SH");
    List<Publication> seen = new ArrayList<>();
    ConfigLoader.load(vertx, null).compose(conf -> {
      conf.getJsonObject("symbols").put("listingsFile", TestListings.smallFile().toString());
      conf.getJsonObject("simulator").put("updatesPerSecond", 3000).put("seed", 42).put("tickMs", 10);
      return vertx.deployVerticle(new QuoteVerticle(), new DeploymentOptions().setConfig(conf));
    }).compose(id -> vertx.eventBus().<Publication>request(QuoteRoute.address("600519.SH", BUCKETS),
        quote.toString(), QuoteRoute.options(QuoteRoute.SNAPSHOT, 5_000))).compose(reply -> {
      Publication snapshot = reply.body();
      ctx.verify(() -> {
        assertNotNull(snapshot, "seeded snapshot");
        assertTrue(snapshot.seq() >= 1);
        assertEquals(6, snapshot.epoch().length());
      });
      io.vertx.core.Promise<Void> threeSeen = io.vertx.core.Promise.promise();
      MessageConsumer<Publication> consumer = vertx.eventBus().consumer(quote.address(), m -> {
        seen.add(m.body());
        if (seen.size() == 3) {
          threeSeen.tryComplete();
        }
      });
      return consumer.completion().compose(v -> threeSeen.future()).compose(v -> consumer.unregister());
    }).compose(v -> {
      ctx.verify(() -> {
        for (int i = 1; i < seen.size(); i++) {
          assertEquals(seen.get(i - 1).seq() + 1, seen.get(i).seq(), "seq +1 on the address");
          assertEquals(seen.get(0).epoch(), seen.get(i).epoch());
        }
        JsonObject q = new JsonObject(seen.get(2).data());
        assertEquals("600519.SH", q.getString("symbol"));
        assertEquals("continuous", q.getString("phase"));
      });
      return vertx.eventBus().<String>request(QuoteRoute.address("600519.SH", BUCKETS), new JsonObject()
          .put("kind", "klines").put("symbol", "600519.SH").put("interval", "5m").put("limit", 20), HISTORY);
    }).compose(reply -> {
      ctx.verify(() -> {
        JsonArray bars = new JsonArray(reply.body());
        assertEquals(20, bars.size());
        assertEquals("5m", bars.getJsonObject(0).getString("interval"));
      });
      return vertx.eventBus().<String>request(QuoteRoute.address("600519.SH", BUCKETS), new JsonObject()
          .put("kind", "trades").put("symbol", "600519.SH").put("limit", 5), HISTORY);
    }).compose(reply -> {
      ctx.verify(() -> assertTrue(new JsonArray(reply.body()).size() > 0));
      return vertx.eventBus().<JsonArray>request(Addresses.SOURCE_STATES, null);
    }).compose(reply -> {
      ctx.verify(() -> {
        JsonObject s = reply.body().getJsonObject(0);
        assertEquals("simulator", s.getString("source"));
        assertEquals("up", s.getString("state"));
        assertTrue(s.getLong("since") > 0);
      });
      return vertx.eventBus().request(QuoteRoute.address("600520.SH", BUCKETS), new JsonObject()
          .put("kind", "trades").put("symbol", "600520.SH"), HISTORY).map(r -> (Object) r).recover(err -> {
            ctx.verify(() -> {
              assertTrue(err instanceof ReplyException);
              assertEquals(404, ((ReplyException) err).failureCode());
              assertEquals("unknown symbol 600520.SH", err.getMessage());
            });
            return io.vertx.core.Future.succeededFuture("failed as expected");
          });
    }).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals("failed as expected", r);
      ctx.completeNow();
    })));
  }
}
