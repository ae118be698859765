package io.quotecast.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Quotecast node in its own process (the packaged jar), for cluster tests: started with system properties, its
 * output in {@code target/cluster-it/<name>.log}, stopped gracefully (SIGTERM) or killed ({@code kill -9}).
 */
final class NodeProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final String name;
  final int gatewayPort;
  final int monitorPort;
  final Path log;
  private final Process process;

  private NodeProcess(String name, int gatewayPort, int monitorPort, Path log, Process process) {
    this.name = name;
    this.gatewayPort = gatewayPort;
    this.monitorPort = monitorPort;
    this.log = log;
    this.process = process;
  }

  /** Starts {@code java -jar quotecast.jar --cluster --roles roles} with {@code -Dquotecast.<key>=<value>} settings. */
  static NodeProcess start(String name, String roles, Map<String, String> settings) {
    return start(name, name, roles, settings, freePort(), freePort(), true);
  }

  /**
   * Starts a node on the given ports (a restart reuses its predecessor's), its output in
   * {@code target/cluster-it/<logName>.log}. {@code cluster} false runs the default single process (no
   * {@code --cluster}); {@code roles} null runs every role.
   */
  static NodeProcess start(String name, String logName, String roles, Map<String, String> settings, int gatewayPort,
                           int monitorPort, boolean cluster) {
    String jar = System.getProperty("quotecast.jar", "target/quotecast.jar");
    if (!Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("no application jar at " + jar + " (run through ./mvnw verify)");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-Xmx384m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Dquotecast.node.id=" + name);
    cmd.add("-Dquotecast.gateway.port=" + gatewayPort);
    cmd.add("-Dquotecast.gateway.instances=1");
    cmd.add("-Dquotecast.monitor.port=" + monitorPort);
    cmd.add("-Dquotecast.monitor.host=127.0.0.1");
    cmd.add("-Dquotecast.gateway.host=127.0.0.1");
    settings.forEach((k, v) -> cmd.add("-Dquotecast." + k + "=" + v));
    cmd.add("-jar");
    cmd.add(Path.of(jar).toAbsolutePath().toString());
    if (cluster) {
      cmd.add("--cluster");
    }
    if (roles != null) {
      cmd.add("--roles");
      cmd.add(roles);
    }
    try {
      Path dir = Path.of("target", "cluster-it");
      Files.createDirectories(dir);
      Path log = dir.resolve(logName + ".log");
      // Not the working directory's cluster.xml: the node must run from what the jar carries.
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      return new NodeProcess(name, gatewayPort, monitorPort, log, p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String wsUrl() {
    return "ws://127.0.0.1:" + gatewayPort + "/ws";
  }

  /** The public port's HTTP base, e.g. for discovery ({@code /api/v1/endpoints}). */
  String httpUrl() {
    return "http://127.0.0.1:" + gatewayPort;
  }

  long pid() {
    return process.pid();
  }

  /** GET on the public port: status and body. */
  HttpResponse<String> get(String path) {
    return get(gatewayPort, path);
  }

  /** GET on the operations port: status and body. */
  HttpResponse<String> ops(String path) {
    return get(monitorPort, path);
  }

  private static HttpResponse<String> get(int port, String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits until {@code /health/ready} answers 200, failing with the log's tail if the process dies or time runs out. */
  void awaitReady(long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + tail(40));
      }
      try {
        if (ops("/health/ready").statusCode() == 200) {
          return;
        }
      } catch (UncheckedIOException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError(name + " not ready within " + timeoutMs + " ms:\n" + tail(40));
  }

  boolean alive() {
    return process.isAlive();
  }

  /** {@code kill -9}: no shutdown hook, no goodbye to the cluster. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM: the shutdown hook undeploys (notices, hand-over) and leaves the cluster; waits for the exit. */
  int stop(long timeoutMs) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
      return -1;
    }
    return process.exitValue();
  }

  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
