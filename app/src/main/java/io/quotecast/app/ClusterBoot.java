package io.quotecast.app;

import com.hazelcast.config.Config;
import com.hazelcast.config.XmlConfigBuilder;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.quotecast.common.ConfigKeys;
import io.quotecast.common.NodeMetrics;
import io.quotecast.common.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Properties;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the node's Vert.x: plain, or a member of a Hazelcast cluster ({@code cluster.enabled}) configured by
 * {@code cluster.xml} whose {@code ${quotecast.cluster.*}} variables come from our config — so discovery, addresses
 * and failure detection are set like every other key (file, environment, system property).
 */
public final class ClusterBoot {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterBoot.class);
  static final String BUNDLED = "cluster.xml";

  private ClusterBoot() {}

  /**
   * A Vert.x instance for {@code config}: clustered when {@code cluster.enabled}; its meter registry installed
   * ({@link NodeMetrics}), fed with Vert.x's own metrics when {@code metrics.vertx}.
   */
  public static Future<Vertx> start(JsonObject config) {
    Settings s = new Settings(config);
    boolean vertxMetrics = s.getBoolean(ConfigKeys.METRICS_VERTX);
    PrometheusMeterRegistry registry = NodeMetrics.newRegistry(s.getString(ConfigKeys.NODE_ID));
    VertxOptions options = new VertxOptions();
    VertxBuilder builder = Vertx.builder();
    if (vertxMetrics) {
      options.setMetricsOptions(vertxMetricsOptions());
      builder.withMetrics(new MicrometerMetricsFactory(registry));
    }
    if (!s.getBoolean(ConfigKeys.CLUSTER_ENABLED)) {
      Vertx vertx = builder.with(options).build();
      NodeMetrics.install(vertx, registry, vertxMetrics, s);
      return Future.succeededFuture(vertx);
    }
    Config hazelcast;
    try {
      hazelcast = hazelcastConfig(s);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    String host = s.getString(ConfigKeys.CLUSTER_HOST).trim();
    String busHost = s.getString(ConfigKeys.CLUSTER_EVENT_BUS_HOST).trim();
    String busPublicHost = s.getString(ConfigKeys.CLUSTER_EVENT_BUS_PUBLIC_HOST).trim();
    options.getEventBusOptions()
        .setHost(busHost.isEmpty() ? host : busHost)
        .setPort(s.getInt(ConfigKeys.CLUSTER_EVENT_BUS_PORT));
    if (!busPublicHost.isEmpty()) {
      options.getEventBusOptions().setClusterPublicHost(busPublicHost);
    }
    LOG.info("joining cluster: discovery {}, host {}, port {}, members '{}', event bus {}:{}",
        s.getString(ConfigKeys.CLUSTER_DISCOVERY), host, s.getInt(ConfigKeys.CLUSTER_PORT),
        s.getString(ConfigKeys.CLUSTER_MEMBERS), options.getEventBusOptions().getHost(),
        options.getEventBusOptions().getPort());
    return builder.with(options).withClusterManager(new HazelcastClusterManager(hazelcast)).buildClustered()
        .map(vertx -> {
          NodeMetrics.install(vertx, registry, vertxMetrics, s);
          return vertx;
        });
  }

  /**
   * Vert.x's own meters: HTTP server (socket bytes, requests, WebSockets), pools, verticles. Not the event bus: its
   * address label is a per-symbol channel ({@code md.quote.600519.SH}) and it costs work per message. No label
   * with a remote address or a request path either (SockJS paths carry session ids): nothing per client.
   */
  static MicrometerMetricsOptions vertxMetricsOptions() {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        // Vert.x keeps registries by name in a static map: one name per node, also for several nodes in one JVM.
        .setRegistryName("quotecast-" + UUID.randomUUID())
        // The monitor binds the JVM meters itself (also where Vert.x runs without metrics).
        .setJvmMetricsEnabled(false)
        .setLabels(EnumSet.of(Label.LOCAL, Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE,
            Label.POOL_NAME, Label.CLASS_NAME, Label.NAMESPACE))
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS);
  }

  /** The Hazelcast config: {@code cluster.config}, else ./cluster.xml, else the copy in the jar; variables filled. */
  static Config hazelcastConfig(Settings s) {
    Properties vars = variables(s);
    String configured = s.getString(ConfigKeys.CLUSTER_CONFIG).trim();
    Path local = Path.of(BUNDLED);
    try {
      if (!configured.isEmpty() || Files.isRegularFile(local)) {
        Path file = configured.isEmpty() ? local : Path.of(configured);
        if (!Files.isRegularFile(file)) {
          throw new IllegalArgumentException("config key " + ConfigKeys.CLUSTER_CONFIG + ": no file " + file);
        }
        LOG.info("Hazelcast configuration from {}", file.toAbsolutePath());
        try (InputStream in = Files.newInputStream(file)) {
          return new XmlConfigBuilder(in).setProperties(vars).build();
        }
      }
      try (InputStream in = ClusterBoot.class.getClassLoader().getResourceAsStream(BUNDLED)) {
        if (in == null) {
          throw new IllegalStateException(BUNDLED + " is missing from the application jar");
        }
        return new XmlConfigBuilder(in).setProperties(vars).build();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code ${quotecast.cluster.*}} variables cluster.xml uses. */
  static Properties variables(Settings s) {
    Properties p = new Properties();
    p.putAll(System.getProperties());
    boolean kubernetes = s.getString(ConfigKeys.CLUSTER_DISCOVERY).trim().equalsIgnoreCase("kubernetes");
    String host = s.getString(ConfigKeys.CLUSTER_HOST).trim();
    p.setProperty("quotecast.cluster.host", host);
    p.setProperty("quotecast.cluster.bindToHost", String.valueOf(!host.isEmpty() && !host.equals("0.0.0.0")));
    p.setProperty("quotecast.cluster.port", String.valueOf(s.getInt(ConfigKeys.CLUSTER_PORT)));
    p.setProperty("quotecast.cluster.members", s.getString(ConfigKeys.CLUSTER_MEMBERS).trim());
    p.setProperty("quotecast.cluster.tcp", String.valueOf(!kubernetes));
    p.setProperty("quotecast.cluster.kubernetes", String.valueOf(kubernetes));
    p.setProperty("quotecast.cluster.kubernetesServiceDns",
        s.getString(ConfigKeys.CLUSTER_KUBERNETES_SERVICE_DNS).trim());
    p.setProperty("quotecast.cluster.memberTimeoutSeconds",
        String.valueOf(s.getInt(ConfigKeys.CLUSTER_MEMBER_TIMEOUT_SECONDS)));
    return p;
  }
}
