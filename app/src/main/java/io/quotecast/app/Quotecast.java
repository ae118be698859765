package io.quotecast.app;

import io.quotecast.common.ConfigKeys;
import io.quotecast.common.PublicationCodec;
import io.quotecast.common.Settings;
import io.quotecast.gateway.GatewayVerticle;
import io.quotecast.monitor.MonitorVerticle;
import io.quotecast.quote.QuoteVerticle;
import io.quotecast.subscription.SubscriptionVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Deploys the chosen roles into a Vert.x instance, in dependency order: data first (quote), then policy
 * (subscription), then the ports (gateway, monitor). Used by {@link Main} and by the integration tests.
 */
public final class Quotecast {
  private Quotecast() {}

  /** Deploys {@code roles} with {@code config}; completes with the deployment ids once every port listens. */
  public static Future<List<String>> deploy(Vertx vertx, JsonObject config, Set<Role> roles) {
    PublicationCodec.register(vertx);
    Settings settings = new Settings(config);
    List<String> ids = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    if (roles.contains(Role.QUOTE)) {
      chain = chain.compose(v -> deploy(vertx, QuoteVerticle.class, config, 1, ids));
    }
    if (roles.contains(Role.SUBSCRIPTION)) {
      chain = chain.compose(v -> deploy(vertx, SubscriptionVerticle.class, config, 1, ids));
    }
    if (roles.contains(Role.GATEWAY)) {
      int instances = settings.getInt(ConfigKeys.GATEWAY_INSTANCES);
      int n = instances > 0 ? instances : Runtime.getRuntime().availableProcessors();
      chain = chain.compose(v -> deploy(vertx, GatewayVerticle.class, config, n, ids));
    }
    if (roles.contains(Role.MONITOR)) {
      chain = chain.compose(v -> deploy(vertx, MonitorVerticle.class, config, 1, ids));
    }
    return chain.map(v -> ids);
  }

  private static Future<Void> deploy(Vertx vertx, Class<? extends io.vertx.core.Deployable> verticle,
                                     JsonObject config, int instances, List<String> ids) {
    DeploymentOptions options = new DeploymentOptions().setConfig(config).setInstances(instances);
    return vertx.deployVerticle(verticle, options).map(id -> {
      ids.add(id);
      return null;
    });
  }
}
