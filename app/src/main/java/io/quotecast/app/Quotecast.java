package io.quotecast.app;

import io.quotecast.common.ConfigKeys;
import io.quotecast.common.ConfigRules;
import io.quotecast.common.auth.AuthSettings;
import io.quotecast.quote.QuoteConfig;
import io.quotecast.common.PublicationCodec;
import io.quotecast.common.Settings;
import io.quotecast.gateway.GatewayNodeVerticle;
import io.quotecast.gateway.GatewayVerticle;
import io.quotecast.monitor.MonitorVerticle;
import io.quotecast.quote.QuoteVerticle;
import io.quotecast.subscription.SubscriptionVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Deploys the chosen roles into a Vert.x instance, in dependency order: data first (quote), then policy
 * (subscription), then the ports (gateway, monitor). Used by {@link Main} and by the integration tests.
 */
public final class Quotecast {
  private Quotecast() {}

  /**
   * The config the verticles get: when the admin token or dev tokens must be signed, a random per-process secret
   * ({@code auth.localSecret}) is added and signs them, so they work in this process only — never the shared
   * {@code auth.hmacSecret}, which other services accept too.
   */
  public static JsonObject prepare(JsonObject config) {
    Settings settings = new Settings(config);
    boolean signs = settings.getBoolean(ConfigKeys.AUTH_ADMIN_TOKEN) || settings.getBoolean(ConfigKeys.AUTH_DEV_TOKENS);
    if (!signs || settings.get(ConfigKeys.AUTH_LOCAL_SECRET) != null) {
      return config;
    }
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    JsonObject prepared = config.copy();
    prepared.getJsonObject("auth").put("localSecret", Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    return prepared;
  }

  /**
   * Checks the whole configuration before anything starts, so a bad value stops the process with one message naming
   * its key rather than failing in whichever verticle reads it first.
   */
  public static void validate(JsonObject config) {
    Settings settings = new Settings(config);
    ConfigRules.check(config);
    AuthSettings auth = AuthSettings.from(settings);
    if (!auth.anonymous() && !auth.hasVerificationKey()) {
      throw new IllegalArgumentException("config key auth.anonymous is false but no key verifies tokens: set "
          + "auth.hmacSecret, auth.publicKeyFile or auth.jwksFile (or auth.anonymous=true)");
    }
    LogLevels.validate(settings);
    QuoteConfig.from(settings);
    io.quotecast.common.NodeMetrics.latencyBucketsMs(settings);
  }

  /** Deploys {@code roles} with {@code config}; completes with the deployment ids once every port listens. */
  public static Future<List<String>> deploy(Vertx vertx, JsonObject unprepared, Set<Role> chosen) {
    Set<Role> roles = Role.withImplied(chosen);
    JsonObject config;
    try {
      config = prepare(unprepared);
      validate(config);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
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
      chain = chain.compose(v -> deploy(vertx, GatewayVerticle.class, config, n, ids))
          .compose(v -> deploy(vertx, GatewayNodeVerticle.class, config, 1, ids));
    }
    if (vertx.isClustered()) {
      chain = chain.compose(v -> deploy(vertx, ClusterHealth.class, config, 1, ids));
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
