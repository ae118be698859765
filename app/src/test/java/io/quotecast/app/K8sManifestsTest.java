package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.quotecast.common.ConfigLoader;
import io.quotecast.monitor.MonitorVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The CI check of {@code k8s/}: every manifest parses and names itself, kustomization.yaml lists them all, every
 * container is probed over HTTP on the operations port at paths the monitor really serves, discovery finds pods before
 * they are ready, every Deployment can drain within its grace period under a disruption budget, and every
 * {@code QUOTECAST_*} variable is a real setting whose ConfigMap value passes the checks a node runs at start.
 */
@ExtendWith(VertxExtension.class)
class K8sManifestsTest {
  static final int OPS_PORT = 9090;
  static final String HEADLESS_SERVICE = "quotecast-hazelcast";
  static final String CONFIG_MAP = "quotecast-config";
  static final Pattern VAR_REF = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
  static final Pattern SLEEP = Pattern.compile("\\bsleep\\s+(\\d+)\\b");

  static Path dir;
  static List<Manifest> manifests;

  /** One YAML document of one file. */
  record Manifest(String file, Map<String, Object> doc) {
    String kind() {
      return (String) doc.get("kind");
    }

    String name() {
      return (String) map(doc, "metadata").get("name");
    }

    Map<String, Object> spec() {
      return map(doc, "spec");
    }

    @Override
    public String toString() {
      return file + ": " + kind() + " " + name();
    }
  }

  @BeforeAll
  static void load() throws IOException {
    dir = k8sDirectory();
    manifests = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        int before = manifests.size();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(reader)) {
            if (doc != null) {
              assertInstanceOf(Map.class, doc, file + ": a document is not a mapping");
              manifests.add(new Manifest(file.getFileName().toString(), cast(doc)));
            }
          }
        } catch (org.yaml.snakeyaml.error.YAMLException e) {
          fail(file + " does not parse: " + e.getMessage());
        }
        assertTrue(manifests.size() > before, file + " holds no document");
      }
    }
  }

  /** k8s/ of this checkout: the Maven root when the build says where it is, else up from the module directory. */
  static Path k8sDirectory() {
    String root = System.getProperty("maven.multiModuleProjectDirectory");
    List<Path> starts = new ArrayList<>();
    if (root != null) {
      starts.add(Path.of(root));
    }
    starts.add(Path.of("").toAbsolutePath());
    for (Path start : starts) {
      for (Path p = start; p != null; p = p.getParent()) {
        if (Files.isRegularFile(p.resolve("k8s").resolve("kustomization.yaml"))) {
          return p.resolve("k8s");
        }
      }
    }
    return fail("no k8s/kustomization.yaml above " + starts);
  }

  @Test
  void everyManifestNamesItsApiKindAndName() {
    assertFalse(manifests.isEmpty());
    for (Manifest m : manifests) {
      for (String field : List.of("apiVersion", "kind")) {
        assertTrue(m.doc().get(field) instanceof String s && !s.isBlank(), m.file() + ": no " + field);
      }
      assertTrue(m.doc().get("metadata") instanceof Map<?, ?> meta && meta.get("name") instanceof String s
          && !s.isBlank(), m.file() + ": no metadata.name");
    }
  }

  /** Examples (the placeholder Secret) are kept out on purpose: applying them must be a decision. */
  @Test
  void kustomizationListsEveryManifest() throws IOException {
    Manifest kustomization = single("Kustomization", null);
    assertEquals("kustomization.yaml", kustomization.file());
    Set<String> listed = new TreeSet<>(strings(kustomization.doc().get("resources")));
    Set<String> present;
    try (Stream<Path> files = Files.list(dir)) {
      present = files.map(f -> f.getFileName().toString())
          .filter(f -> f.endsWith(".yaml") && !f.equals("kustomization.yaml") && !f.endsWith(".example.yaml"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    assertEquals(present, listed, "kustomization.yaml resources vs the manifests in " + dir);
    assertFalse(listed.contains("secret.example.yaml"));
  }

  @Test
  void everyContainerIsProbedOverHttpOnTheOpsPort() {
    List<Manifest> deployments = all("Deployment");
    assertEquals(2, deployments.size(), "quote and gateway Deployments");
    for (Manifest d : deployments) {
      for (Map<String, Object> c : containers(d)) {
        String where = d + " container " + c.get("name");
        assertTrue(containerPorts(c).containsValue(OPS_PORT), where + " does not expose the ops port " + OPS_PORT);
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
          assertTrue(c.get(probe) instanceof Map, where + " has no " + probe);
          Map<String, Object> httpGet = map(map(c, probe), "httpGet");
          assertNotNull(httpGet, where + " " + probe + " is not httpGet");
          assertEquals(OPS_PORT, resolvePort(c, httpGet.get("port")), where + " " + probe + " port");
          assertTrue(((String) httpGet.get("path")).startsWith("/health/"), where + " " + probe + " path");
        }
        assertEquals("/health/ready", map(map(c, "readinessProbe"), "httpGet").get("path"), where);
        assertEquals("/health/live", map(map(c, "livenessProbe"), "httpGet").get("path"), where);
      }
    }
  }

  /** The probe paths exist: the real monitor answers them with something other than 404 (and 404s a made-up one). */
  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void probePathsAreRoutesTheMonitorServes(Vertx vertx, VertxTestContext ctx) {
    Set<String> paths = new TreeSet<>();
    for (Manifest d : all("Deployment")) {
      for (Map<String, Object> c : containers(d)) {
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
          paths.add((String) map(map(c, probe), "httpGet").get("path"));
        }
      }
    }
    List<String> asked = new ArrayList<>(paths);
    asked.add("/health/no-such-probe");
    int port = QuotecastServer.freePort();
    WebClient http = WebClient.create(vertx);
    ConfigLoader.load(vertx, null)
        .compose(config -> {
          config.getJsonObject("monitor").put("host", "127.0.0.1").put("port", port);
          return vertx.deployVerticle(new MonitorVerticle(), new DeploymentOptions().setConfig(config));
        })
        .compose(id -> Future.all(asked.stream().map(p -> http.get(port, "127.0.0.1", p).send()).toList()))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int i = 0; i < asked.size(); i++) {
            HttpResponse<Buffer> r = all.resultAt(i);
            if (i < paths.size()) {
              assertNotEquals(404, r.statusCode(), "the monitor does not serve probe path " + asked.get(i));
            } else {
              assertEquals(404, r.statusCode(), "an unknown path must 404, or this check proves nothing");
            }
          }
          ctx.completeNow();
        })));
  }

  @Test
  void headlessServiceFindsEveryPodBeforeItIsReady() {
    Manifest service = single("Service", HEADLESS_SERVICE);
    assertEquals("None", service.spec().get("clusterIP"), "discovery needs a headless Service");
    assertEquals(Boolean.TRUE, service.spec().get("publishNotReadyAddresses"),
        "a starting pod joins the cluster before it is ready, so DNS must list it unready");
    Map<String, Object> selector = map(service.spec(), "selector");
    for (Manifest d : all("Deployment")) {
      assertTrue(matches(selector, podLabels(d)), "the headless Service does not select " + d);
    }
    Set<Integer> ports = list(service.spec().get("ports")).stream().map(p -> (Integer) cast(p).get("port"))
        .collect(Collectors.toSet());
    Map<String, Object> config = configMapData();
    assertTrue(ports.contains(Integer.parseInt((String) config.get("QUOTECAST_CLUSTER_PORT"))), "Hazelcast port");
    String eventBus = (String) config.get("QUOTECAST_CLUSTER_EVENT_BUS_PORT");
    assertNotNull(eventBus, "the event bus port must be fixed in k8s, not random");
    assertTrue(ports.contains(Integer.parseInt(eventBus)), "event bus port " + eventBus + " on the headless Service");
    for (Manifest d : all("Deployment")) {
      for (Map<String, Object> c : containers(d)) {
        assertTrue(containerPorts(c).values().containsAll(ports), d + " must expose " + ports);
      }
    }
  }

  @Test
  void publicServiceRoutesToGatewaysOnly() {
    List<Manifest> publicServices = all("Service").stream().filter(s -> !s.name().equals(HEADLESS_SERVICE)).toList();
    assertEquals(1, publicServices.size(), "one public Service");
    Map<String, Object> selector = map(publicServices.get(0).spec(), "selector");
    int gatewayPort = Integer.parseInt((String) configMapData().get("QUOTECAST_GATEWAY_PORT"));
    for (Manifest d : all("Deployment")) {
      boolean gateway = roles(d).contains("gateway");
      assertEquals(gateway, matches(selector, podLabels(d)), "public Service selection of " + d);
      for (Object p : list(publicServices.get(0).spec().get("ports"))) {
        Object target = cast(p).get("targetPort");
        if (gateway) {
          assertEquals(gatewayPort, resolvePort(containers(d).get(0), target), "public Service targets 8080");
        }
        assertNotEquals(OPS_PORT, cast(p).get("port"), "the ops port stays private");
      }
    }
  }

  @Test
  void everyDeploymentDrainsWithinItsGracePeriodUnderADisruptionBudget() {
    for (Manifest d : all("Deployment")) {
      Map<String, Object> pod = map(map(d.spec(), "template"), "spec");
      assertEquals(Boolean.FALSE, pod.get("enableServiceLinks"),
          d + ": service links would inject QUOTECAST_* variables for the quotecast-* Services");
      Object grace = pod.get("terminationGracePeriodSeconds");
      assertInstanceOf(Integer.class, grace, d + ": terminationGracePeriodSeconds");
      for (Map<String, Object> c : containers(d)) {
        int sleep = preStopSleepSeconds(c, d);
        assertTrue(sleep > 0, d + ": preStop sleep");
        assertTrue((Integer) grace > sleep, d + ": the grace period must outlast preStop and leave time to drain");
      }
      List<Manifest> budgets = all("PodDisruptionBudget").stream()
          .filter(pdb -> matches(map(map(pdb.spec(), "selector"), "matchLabels"), podLabels(d))).toList();
      assertEquals(1, budgets.size(), d + " needs exactly one PodDisruptionBudget, found " + budgets);
      assertEquals(map(map(d.spec(), "selector"), "matchLabels"),
          map(map(budgets.get(0).spec(), "selector"), "matchLabels"), "PDB selects what the Deployment owns");
    }
  }

  @Test
  void gatewayScalesOnConnectionsWithACpuFallback() {
    Manifest hpa = single("HorizontalPodAutoscaler", null);
    assertEquals("autoscaling/v2", hpa.doc().get("apiVersion"));
    Map<String, Object> target = map(hpa.spec(), "scaleTargetRef");
    Manifest scaled = single("Deployment", (String) target.get("name"));
    assertTrue(roles(scaled).contains("gateway"), "the HPA scales the gateways");
    assertFalse(scaled.spec().containsKey("replicas"),
        "an HPA-managed Deployment leaves out replicas, or each apply resets the scale");
    List<Map<String, Object>> metrics = list(hpa.spec().get("metrics")).stream().map(K8sManifestsTest::cast).toList();
    assertTrue(metrics.stream().anyMatch(m -> "Pods".equals(m.get("type"))
        && "quotecast_connections".equals(map(map(m, "pods"), "metric").get("name"))), "Pods metric on connections");
    assertTrue(metrics.stream().anyMatch(m -> "Resource".equals(m.get("type"))
        && "cpu".equals(map(m, "resource").get("name"))), "CPU fallback metric");
  }

  /**
   * A mistyped variable would be silently ignored (the loader only looks up known keys), so each must name a setting;
   * and each container's environment (ConfigMap, its own env, the Secret's key) must load and validate as a node does
   * at start.
   */
  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  void environmentNamesRealSettingsAndLoadsAsANodeWould(Vertx vertx, VertxTestContext ctx, @TempDir Path tmp) {
    ConfigLoader.load(vertx, null)
        .compose(defaults -> {
          Map<String, Object> known = new LinkedHashMap<>();
          flatten("", defaults, known);
          Map<String, String> byEnv = new LinkedHashMap<>();
          known.keySet().forEach(key -> byEnv.put(ConfigLoader.envName(key), key));
          Future<Void> chain = Future.succeededFuture();
          for (Manifest d : all("Deployment")) {
            Map<String, String> env = podEnvironment(d, containers(d).get(0));
            JsonObject conf = new JsonObject();
            env.forEach((name, value) -> {
              if (name.startsWith(ConfigLoader.ENV_PREFIX)) {
                String key = byEnv.get(name);
                assertNotNull(key, d + ": " + name + " is not a Quotecast setting");
                put(conf, key, typed(value, known.get(key)));
              }
            });
            Path file = tmp.resolve(d.name() + ".json");
            chain = chain
                .compose(v -> vertx.fileSystem().writeFile(file.toString(), conf.toBuffer()))
                .compose(v -> ConfigLoader.load(vertx, file.toString()))
                .map(config -> {
                  Quotecast.validate(config);
                  assertEquals("cluster", config.getString("profile"), d.name());
                  assertEquals("kubernetes", config.getJsonObject("cluster").getString("discovery"), d.name());
                  assertEquals(OPS_PORT, config.getJsonObject("monitor").getInteger("port"), d.name());
                  return null;
                });
          }
          return chain;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  /**
   * The environment the kubelet gives {@code container}: ConfigMap entries, then its env list in order, with fieldRefs
   * and the Secret (example) resolved and {@code $(NAME)} expanded from the variables before it.
   */
  static Map<String, String> podEnvironment(Manifest deployment, Map<String, Object> container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (Object from : list(container.get("envFrom"))) {
      Map<String, Object> ref = map(cast(from), "configMapRef");
      assertEquals(CONFIG_MAP, ref.get("name"), deployment + " envFrom");
      configMapData().forEach((k, v) -> env.put(k, String.valueOf(v)));
    }
    Map<String, String> fields = Map.of("metadata.namespace", "default", "metadata.name", deployment.name() + "-0",
        "status.podIP", "10.1.2.3");
    for (Object item : list(container.get("env"))) {
      Map<String, Object> e = cast(item);
      String name = (String) e.get("name");
      String value;
      if (e.get("value") != null) {
        Matcher m = VAR_REF.matcher(String.valueOf(e.get("value")));
        StringBuilder expanded = new StringBuilder();
        while (m.find()) {
          assertTrue(env.containsKey(m.group(1)), deployment + ": " + name + " uses $(" + m.group(1)
              + ") before it is defined");
          m.appendReplacement(expanded, Matcher.quoteReplacement(env.get(m.group(1))));
        }
        value = m.appendTail(expanded).toString();
      } else {
        Map<String, Object> source = map(e, "valueFrom");
        if (source.containsKey("fieldRef")) {
          value = fields.get((String) map(source, "fieldRef").get("fieldPath"));
        } else {
          Map<String, Object> secretRef = map(source, "secretKeyRef");
          Manifest secret = single("Secret", (String) secretRef.get("name"));
          value = (String) map(secret.doc(), "stringData").get((String) secretRef.get("key"));
        }
        assertNotNull(value, deployment + ": cannot resolve " + name);
      }
      env.put(name, value);
    }
    return env;
  }

  // --- reading manifests

  static Manifest single(String kind, String name) {
    List<Manifest> found = all(kind).stream().filter(m -> name == null || name.equals(m.name())).toList();
    assertEquals(1, found.size(), "expected one " + kind + (name == null ? "" : " " + name) + ", found " + found);
    return found.get(0);
  }

  static List<Manifest> all(String kind) {
    return manifests.stream().filter(m -> kind.equals(m.kind())).toList();
  }

  static Map<String, Object> configMapData() {
    return map(single("ConfigMap", CONFIG_MAP).doc(), "data");
  }

  static List<Map<String, Object>> containers(Manifest deployment) {
    List<Map<String, Object>> containers = list(map(map(deployment.spec(), "template"), "spec").get("containers"))
        .stream().map(K8sManifestsTest::cast).toList();
    assertFalse(containers.isEmpty(), deployment + " has no containers");
    return containers;
  }

  static Map<String, Object> podLabels(Manifest deployment) {
    return map(map(map(deployment.spec(), "template"), "metadata"), "labels");
  }

  /** The --roles argument of the Deployment's first container. */
  static List<String> roles(Manifest deployment) {
    List<String> args = strings(containers(deployment).get(0).get("args"));
    int i = args.indexOf("--roles");
    assertTrue(i >= 0 && i + 1 < args.size(), deployment + " names no --roles");
    return List.of(args.get(i + 1).split(","));
  }

  /** Container port name -> number. */
  static Map<String, Integer> containerPorts(Map<String, Object> container) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (Object p : list(container.get("ports"))) {
      Map<String, Object> port = cast(p);
      ports.put(String.valueOf(port.getOrDefault("name", port.get("containerPort"))),
          (Integer) port.get("containerPort"));
    }
    return ports;
  }

  static int resolvePort(Map<String, Object> container, Object port) {
    if (port instanceof Integer number) {
      return number;
    }
    Integer named = containerPorts(container).get(String.valueOf(port));
    assertNotNull(named, "no container port named " + port);
    return named;
  }

  /** preStop as {@code exec: sleep N} (any shell form) or the native {@code sleep: {seconds: N}} action. */
  static int preStopSleepSeconds(Map<String, Object> container, Manifest where) {
    Map<String, Object> preStop = map(map(container, "lifecycle"), "preStop");
    assertNotNull(preStop, where + " has no lifecycle.preStop");
    if (preStop.get("sleep") instanceof Map<?, ?> sleep) {
      return (Integer) sleep.get("seconds");
    }
    Matcher m = SLEEP.matcher(String.join(" ", strings(map(preStop, "exec").get("command"))));
    assertTrue(m.find(), where + " preStop does not sleep");
    return Integer.parseInt(m.group(1));
  }

  static boolean matches(Map<String, Object> selector, Map<String, Object> labels) {
    return selector != null && !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
  }

  static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object value = parent == null ? null : parent.get(key);
    return value == null ? null : cast(value);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> cast(Object value) {
    assertInstanceOf(Map.class, value);
    return (Map<String, Object>) value;
  }

  static List<Object> list(Object value) {
    if (value == null) {
      return List.of();
    }
    assertInstanceOf(List.class, value);
    return new ArrayList<>((List<?>) value);
  }

  static List<String> strings(Object value) {
    return list(value).stream().map(String::valueOf).toList();
  }

  // --- config keys

  static void flatten(String prefix, JsonObject tree, Map<String, Object> out) {
    for (String field : tree.fieldNames()) {
      Object value = tree.getValue(field);
      if (value instanceof JsonObject child) {
        flatten(prefix + field + ".", child, out);
      } else {
        out.put(prefix + field, value);
      }
    }
  }

  static void put(JsonObject tree, String key, Object value) {
    String[] parts = key.split("\\.");
    JsonObject node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      if (node.getJsonObject(parts[i]) == null) {
        node.put(parts[i], new JsonObject());
      }
      node = node.getJsonObject(parts[i]);
    }
    node.put(parts[parts.length - 1], value);
  }

  /** The ConfigMap's text as the JSON type of the key's default, as the loader reads environment variables. */
  static Object typed(String text, Object defaultValue) {
    if (defaultValue instanceof Integer || defaultValue instanceof Long) {
      return Long.parseLong(text.trim());
    }
    if (defaultValue instanceof Number) {
      return Double.parseDouble(text.trim());
    }
    if (defaultValue instanceof Boolean) {
      assertTrue(text.trim().equals("true") || text.trim().equals("false"), "boolean expected: " + text);
      return Boolean.parseBoolean(text.trim());
    }
    return text;
  }
}
