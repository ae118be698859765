package io.quotecast.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.Addresses;
import io.quotecast.common.ConfigLoader;
import io.quotecast.common.cluster.ClusterView;
import io.quotecast.common.cluster.NodeState;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class MonitorVerticleTest {

  /** A status code and JSON body. */
  private record Reply(int status, JsonObject body) {}

  /** Deploys the monitor on 127.0.0.1, any free port; completes with the port. */
  private static Future<Integer> deploy(Vertx vertx) {
    MonitorVerticle monitor = new MonitorVerticle();
    return ConfigLoader.load(vertx, null).compose(config -> {
      config.getJsonObject("monitor").put("host", "127.0.0.1").put("port", 0);
      config.getJsonObject("node").put("id", "node-7");
      return vertx.deployVerticle(monitor, new DeploymentOptions().setConfig(config));
    }).map(id -> monitor.actualPort());
  }

  /** Stands in for a quote verticle: every data source in {@code state}. */
  private static Future<Void> sources(Vertx vertx, String state) {
    return vertx.eventBus().<Object>consumer(Addresses.SOURCE_STATES,
        m -> m.reply(new JsonArray().add(new JsonObject().put("name", "sim").put("state", state)))).completion();
  }

  private static Future<Reply> get(HttpClient client, int port, String path) {
    return client.request(HttpMethod.GET, port, "127.0.0.1", path)
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(body -> new Reply(resp.statusCode(), body.toJsonObject())));
  }

  @Test
  void readinessFollowsSourcesComponentsAndDraining(Vertx vertx, VertxTestContext ctx) {
    HttpClient client = vertx.createHttpClient();
    NodeState node = NodeState.of(vertx);
    deploy(vertx).compose(port -> get(client, port, "/health/ready")
        .compose(reply -> {
          ctx.verify(() -> {
            assertEquals(503, reply.status(), "no data source answers: " + reply.body().encode());
            assertEquals("DOWN", reply.body().getString("status"));
          });
          return sources(vertx, "up").compose(v -> get(client, port, "/health/ready"));
        })
        .compose(reply -> {
          ctx.verify(() -> {
            assertEquals(200, reply.status(), reply.body().encode());
            JsonObject body = reply.body();
            assertEquals("UP", body.getString("status"));
            assertEquals(false, body.getBoolean("draining"));
            assertEquals(new JsonObject(), body.getJsonObject("components"), "none reported: none holds it back");
            assertEquals(new JsonObject().put("clustered", false).put("nodeId", ClusterView.LOCAL)
                .put("members", new JsonArray().add(ClusterView.LOCAL)), body.getJsonObject("cluster"));
          });
          node.ready("gateway", true, null);
          node.ready("quote", false, "waiting for bucket ownership");
          return get(client, port, "/health/ready");
        })
        .compose(reply -> {
          ctx.verify(() -> {
            assertEquals(503, reply.status(), "a component not ready: " + reply.body().encode());
            assertEquals("waiting for bucket ownership",
                reply.body().getJsonObject("components").getJsonObject("quote").getString("reason"));
            assertTrue(reply.body().getJsonObject("components").getJsonObject("gateway").getBoolean("ready"));
          });
          node.ready("quote", true, null);
          return get(client, port, "/health/ready");
        })
        .compose(reply -> {
          ctx.verify(() -> assertEquals(200, reply.status(), reply.body().encode()));
          node.draining(true);
          return get(client, port, "/health/ready");
        })
        .compose(reply -> {
          ctx.verify(() -> {
            assertEquals(503, reply.status(), "draining: " + reply.body().encode());
            assertEquals(true, reply.body().getBoolean("draining"));
          });
          return get(client, port, "/health/live");
        })
        .compose(reply -> {
          ctx.verify(() -> assertEquals(200, reply.status(), "liveness stays trivial while draining"));
          node.draining(false);
          return get(client, port, "/health/ready");
        })
        .compose(reply -> {
          ctx.verify(() -> assertEquals(200, reply.status(), reply.body().encode()));
          return get(client, port, "/stats");
        }))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals(200, reply.status());
          assertEquals(ClusterView.LOCAL, reply.body().getString("node"));
          assertEquals("node-7", reply.body().getString("name"));
          assertEquals(new JsonArray().add(ClusterView.LOCAL),
              reply.body().getJsonObject("cluster").getJsonArray("members"));
          assertEquals("up", reply.body().getJsonArray("sources").getJsonObject(0).getString("state"));
          ctx.completeNow();
        })));
  }

  @Test
  void aSourceDownIsNotReady(Vertx vertx, VertxTestContext ctx) {
    HttpClient client = vertx.createHttpClient();
    sources(vertx, "down")
        .compose(v -> deploy(vertx))
        .compose(port -> get(client, port, "/health/ready"))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals(503, reply.status(), reply.body().encode());
          assertEquals("down", reply.body().getJsonArray("sources").getJsonObject(0).getString("state"));
          ctx.completeNow();
        })));
  }
}
