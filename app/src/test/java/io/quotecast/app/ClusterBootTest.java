package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.quotecast.common.ConfigLoader;
import io.quotecast.common.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** cluster.xml (the copy in the jar) filled from our config: TCP-IP by default, Kubernetes DNS when chosen. */
class ClusterBootTest {

  private static JsonObject defaults() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      return ConfigLoader.load(vertx, null).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      vertx.close();
    }
  }

  @Test
  void tcpDiscoveryOnLoopbackByDefault() throws Exception {
    JsonObject config = defaults();
    config.getJsonObject("cluster").put("members", "127.0.0.1:15701,127.0.0.1:15702").put("port", 15701)
        .put("memberTimeoutSeconds", 7);
    Config hz = ClusterBoot.hazelcastConfig(new Settings(config));
    JoinConfig join = hz.getNetworkConfig().getJoin();
    assertTrue(join.getTcpIpConfig().isEnabled());
    assertEquals(List.of("127.0.0.1:15701", "127.0.0.1:15702"), join.getTcpIpConfig().getMembers());
    assertFalse(join.getMulticastConfig().isEnabled());
    assertFalse(join.getKubernetesConfig().isEnabled());
    assertEquals(15701, hz.getNetworkConfig().getPort());
    assertEquals("127.0.0.1", hz.getNetworkConfig().getPublicAddress());
    assertTrue(hz.getNetworkConfig().getInterfaces().isEnabled());
    assertEquals("7", hz.getProperty("hazelcast.max.no.heartbeat.seconds"));
    assertEquals("quotecast", hz.getClusterName());
    assertEquals(1, hz.getMapConfig("quotecast.snapshots").getBackupCount(), "the shared cache has a backup");
  }

  @Test
  void kubernetesDiscoveryByDnsWhenChosen() throws Exception {
    JsonObject config = defaults();
    config.getJsonObject("cluster").put("discovery", "kubernetes").put("host", "10.1.2.3")
        .put("kubernetesServiceDns", "quotecast-hazelcast.markets.svc.cluster.local");
    Config hz = ClusterBoot.hazelcastConfig(new Settings(config));
    JoinConfig join = hz.getNetworkConfig().getJoin();
    assertFalse(join.getTcpIpConfig().isEnabled());
    assertTrue(join.getKubernetesConfig().isEnabled());
    assertEquals("quotecast-hazelcast.markets.svc.cluster.local",
        join.getKubernetesConfig().getProperty("service-dns"));
    assertEquals("10.1.2.3", hz.getNetworkConfig().getPublicAddress(), "advertises the pod IP");
    assertTrue(hz.getNetworkConfig().getInterfaces().getInterfaces().contains("10.1.2.3"));
  }

  @Test
  void aClusteredNodeNeedsAnAddressOthersCanReach() throws Exception {
    JsonObject config = defaults();
    config.getJsonObject("cluster").put("enabled", true).put("host", "0.0.0.0");
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Quotecast.validate(config));
    assertTrue(e.getMessage().startsWith("config key cluster.host:"), e.getMessage());
  }

  @Test
  void gatewayImpliesSubscriptionOnTheSameNode() {
    assertTrue(Role.parse("gateway").contains(Role.SUBSCRIPTION));
    assertEquals(java.util.EnumSet.of(Role.QUOTE), Role.parse("quote"));
  }
}
