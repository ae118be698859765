package io.quotecast.app;

import io.quotecast.common.ConfigKeys;
import io.quotecast.common.ConfigLoader;
import io.quotecast.common.ConfigReport;
import io.quotecast.common.Settings;
import io.quotecast.common.auth.AuthSettings;
import io.quotecast.common.auth.Scopes;
import io.quotecast.common.auth.TierLimits;
import io.quotecast.common.auth.TokenIssuer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import io.vertx.core.Vertx;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar quotecast.jar [--conf FILE] [--roles quote,subscription,gateway,monitor]}: runs the chosen roles
 * (all by default) in one non-clustered process with the market simulator.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  private static final long ADMIN_TOKEN_TTL_SECONDS = 24 * 3600;

  private Main() {}

  public static void main(String[] args) {
    String conf = null;
    String roleList = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--conf" -> conf = value(args, ++i, "--conf");
        case "--roles" -> roleList = value(args, ++i, "--roles");
        case "--profile" -> System.setProperty(ConfigLoader.SYSPROP_PREFIX + ConfigKeys.PROFILE,
            value(args, ++i, "--profile"));
        case "--cluster" -> System.setProperty(ConfigLoader.SYSPROP_PREFIX + ConfigKeys.CLUSTER_ENABLED, "true");
        case "-h", "--help" -> {
          System.out.println("usage: java -jar quotecast.jar [--conf FILE] [--profile dev|cluster] [--cluster] "
              + "[--roles quote,subscription,gateway,monitor]");
          return;
        }
        default -> fail("unknown argument '" + args[i] + "' (try --help)");
      }
    }
    Set<Role> roles;
    try {
      roles = Role.parse(roleList);
    } catch (IllegalArgumentException e) {
      fail(e.getMessage());
      return;
    }
    // The config decides whether the node's Vert.x is clustered, so it is read first with a short-lived instance.
    JsonObject config;
    Vertx loader = Vertx.vertx();
    try {
      JsonObject loaded = ConfigLoader.load(loader, conf).toCompletionStage().toCompletableFuture().get();
      config = Quotecast.prepare(loaded);
      Quotecast.validate(config);
      LogLevels.apply(new Settings(config));
    } catch (Exception e) {
      Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
      LOG.error("Quotecast failed to start: {}", cause.getMessage());
      loader.close();
      fail(cause.getMessage());
      return;
    }
    loader.close();
    warnAboutDevTokens(AuthSettings.from(new Settings(config)));
    LOG.info("effective configuration (profile {}): {}", config.getString(ConfigKeys.PROFILE),
        ConfigReport.masked(config).encode());
    Set<Role> chosen = roles;
    Vertx vertx;
    try {
      vertx = ClusterBoot.start(config).toCompletionStage().toCompletableFuture().get();
    } catch (Exception e) {
      Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
      LOG.error("Quotecast failed to join the cluster: {}", cause.getMessage(), cause);
      fail("cannot join the cluster: " + cause.getMessage());
      return;
    }
    Quotecast.deploy(vertx, config, chosen)
        .onSuccess(ids -> {
          Settings s = new Settings(config);
          String host = s.getString(ConfigKeys.GATEWAY_HOST);
          String shown = host.equals("0.0.0.0") ? "localhost" : host;
          LOG.info("Quotecast node {} running roles {}{}", s.getString(ConfigKeys.NODE_ID), Role.withImplied(chosen),
              vertx.isClustered() ? " (clustered, member " + io.quotecast.common.cluster.ClusterView.of(vertx).nodeId()
                  + ")" : "");
          if (chosen.contains(Role.GATEWAY)) {
            int port = s.getInt(ConfigKeys.GATEWAY_PORT);
            LOG.info("Demo page:  http://{}:{}/", shown, port);
            LOG.info("WebSocket:  ws://{}:{}/ws   SockJS: http://{}:{}/sockjs   REST: http://{}:{}/api/v1/status",
                shown, port, shown, port, shown, port);
          }
          if (chosen.contains(Role.MONITOR)) {
            LOG.info("Operations: http://{}:{}/health/ready  http://{}:{}/stats", shown,
                s.getInt(ConfigKeys.MONITOR_PORT), shown, s.getInt(ConfigKeys.MONITOR_PORT));
          }
          printAdminToken(s, shown);
        })
        .onFailure(failure -> {
          if (failure instanceof IllegalArgumentException) {
            // A configuration mistake: the message names the key; a stack trace would only hide it.
            LOG.error("Quotecast failed to start: {}", failure.getMessage());
            System.err.println("quotecast: " + failure.getMessage());
          } else {
            LOG.error("Quotecast failed to start: {}", failure.getMessage(), failure);
          }
          // Exit off the event loop: System.exit runs the shutdown hook, which waits for Vert.x to close.
          vertx.close().onComplete(v -> new Thread(() -> System.exit(1), "quotecast-exit").start());
        });
    long shutdownTimeoutMs = new Settings(config).getLong(ConfigKeys.SHUTDOWN_TIMEOUT_MS);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      long t0 = System.nanoTime();
      // Readiness goes down and new connections are refused before anything else stops.
      io.quotecast.common.cluster.NodeState.of(vertx).draining(true);
      LOG.info("shutting down: draining (clients told to reconnect; symbols handed over), at most {} ms",
          shutdownTimeoutMs);
      try {
        // Undeploying tells clients where to go and hands symbols over; Kubernetes allows more (k8s/README.md).
        vertx.close().toCompletionStage().toCompletableFuture().get(shutdownTimeoutMs,
            java.util.concurrent.TimeUnit.MILLISECONDS);
        LOG.info("shut down in {} ms", (System.nanoTime() - t0) / 1_000_000);
      } catch (Exception e) {
        LOG.warn("shutdown did not finish within {} ms ({}); exiting anyway", shutdownTimeoutMs, e.toString());
      }
    }, "quotecast-shutdown"));
  }

  /**
   * With {@code auth.adminToken} (the dev profile), a token for the admin routes, as notebook servers print theirs:
   * the only token Quotecast ever logs, and only valid while this process's secret is.
   */
  private static void printAdminToken(Settings s, String host) {
    AuthSettings auth = AuthSettings.from(s);
    if (!auth.adminToken()) {
      return;
    }
    String token = TokenIssuer.local(auth).issue("admin", TierLimits.PRO,
        List.of(Scopes.ADMIN, Scopes.QUOTE, Scopes.TRADE, Scopes.KLINE), ADMIN_TOKEN_TTL_SECONDS);
    LOG.info("Admin token (valid {} h; profile dev only): {}", ADMIN_TOKEN_TTL_SECONDS / 3600, token);
    LOG.info("  e.g. curl -H 'Authorization: Bearer {}' http://{}:{}/admin/config", token, host,
        s.getInt(ConfigKeys.MONITOR_PORT));
  }

  /** Dev tokens next to real keys usually mean a production node left on the default profile. */
  private static void warnAboutDevTokens(AuthSettings auth) {
    boolean realKeys = !auth.hmacSecret().isEmpty() || !auth.publicKeyFile().isEmpty() || !auth.jwksFile().isEmpty();
    if (auth.devTokens() && realKeys) {
      LOG.warn("auth.devTokens is on (profile dev) while real token keys are configured: anyone who reaches the "
          + "public port can mint tokens for any user of this node. Use --profile cluster for real deployments.");
    }
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      fail(flag + " needs a value");
    }
    return args[i];
  }

  private static void fail(String message) {
    System.err.println("quotecast: " + message);
    System.exit(2);
  }
}
