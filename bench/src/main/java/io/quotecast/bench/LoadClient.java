package io.quotecast.bench;

import io.vertx.core.Context;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Quotecast load client: opens many WebSocket connections, subscribes each to a few channels, and after a warm-up
 * measures delivered messages, bytes, sequence gaps and latency (source time → client receive, server send → client
 * receive) for a fixed window. Prints a summary and writes a JSON results file. See bench/README.md.
 *
 * <p>The main thread only orchestrates (it may sleep and wait); connections live on the Vert.x event loops, spread
 * evenly by creating each one on a chosen event-loop context.
 */
public final class LoadClient {
  private final BenchOptions o;
  private final BenchStats stats = new BenchStats();
  private final MicroClock clock = new MicroClock();
  private final List<BenchConnection> conns = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private HttpClientAgent http;
  private Histogram handshakes;

  LoadClient(BenchOptions o) {
    this.o = o;
  }

  public static void main(String[] args) throws Exception {
    BenchOptions o;
    try {
      o = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && !e.getMessage().isEmpty()) {
        System.err.println("error: " + e.getMessage());
      }
      System.err.println(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    int rc = new LoadClient(o).run();
    System.exit(rc);
  }

  int run() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(o.eventLoops));
    http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5000));
    try {
      return runBench();
    } finally {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
    }
  }

  private int runBench() throws Exception {
    List<Context> contexts = eventLoopContexts();
    List<String> symbols = resolveSymbols();
    if (symbols.size() < o.channels) {
      System.err.printf("error: %d symbols available, %d per connection requested%n", symbols.size(), o.channels);
      return 1;
    }
    List<List<String>> assignment = assign(symbols);
    List<WebSocketClient> clients = webSocketClients();
    log("bench: %d connections x %d channels (%s, freq %s) to %s over %d event loops, %d source address(es); "
            + "%d symbols in the pool", o.connections, o.channels * o.types.size(), String.join(",", o.types),
        o.freq, o.url, contexts.size(), clients.size(), symbols.size());

    ProcStats.Sample selfStart0 = ProcStats.sample("self");
    long rampStart = System.nanoTime();
    ramp(contexts, clients, assignment).toCompletionStage().toCompletableFuture().get();
    double rampSeconds = (System.nanoTime() - rampStart) / 1e9;
    handshakes = stats.handshake.getIntervalHistogram();
    log("ramp: %d connected, %d failed in %.1f s (handshake p50 %.1f ms, p99 %.1f ms, max %.1f ms)",
        stats.connected.sum(), stats.connectFailures.sum(), rampSeconds,
        handshakes.getValueAtPercentile(50) / 1000.0, handshakes.getValueAtPercentile(99) / 1000.0,
        handshakes.getMaxValue() / 1000.0);
    if (stats.connected.sum() == 0) {
      System.err.println("error: no connection could be opened: " + stats.connectErrors.keySet());
      return 1;
    }

    sleepWithProgress("warm-up", o.warmupSeconds);

    // ---- window ----
    JsonObject opsStart = opsSnapshot(false);
    ProcStats.Sample serverStart = o.serverPid > 0 ? ProcStats.sample(Long.toString(o.serverPid)) : null;
    ProcStats.Sample selfStart = ProcStats.sample("self");
    ProcStats.MachineSample machineStart = ProcStats.machine();
    stats.sourceToClient.getIntervalHistogram();
    stats.serverToClient.getIntervalHistogram();
    stats.sourceToServer.getIntervalHistogram();
    long negStart = stats.negativeLatency.sum();
    long clampStart = stats.clampedLatency.sum();
    BenchStats.Counters start = stats.snapshot();
    String windowStart = Instant.now().toString();

    sleepWithProgress("window", o.durationSeconds);

    BenchStats.Counters window = stats.snapshot().minus(start);
    Histogram srcLat = stats.sourceToClient.getIntervalHistogram();
    Histogram srvLat = stats.serverToClient.getIntervalHistogram();
    Histogram srcSrv = stats.sourceToServer.getIntervalHistogram();
    ProcStats.Sample serverEnd = o.serverPid > 0 ? ProcStats.sample(Long.toString(o.serverPid)) : null;
    ProcStats.Sample selfEnd = ProcStats.sample("self");
    ProcStats.MachineSample machineEnd = ProcStats.machine();
    long negative = stats.negativeLatency.sum() - negStart;
    long clamped = stats.clampedLatency.sum() - clampStart;
    JsonObject opsEnd = opsSnapshot(true);

    closeAll();

    JsonObject result = report(window, windowStart, rampSeconds, srcLat, srvLat, srcSrv, serverStart, serverEnd,
        selfStart, selfEnd, selfStart0, machineStart, machineEnd, negative, clamped, opsStart, opsEnd);
    Files.writeString(Path.of(o.out), result.encodePrettily() + "\n");
    printSummary(result);
    log("results written to %s", Path.of(o.out).toAbsolutePath());
    return 0;
  }

  // ---- setup ----

  /** One event-loop context per event loop, so connections can be spread evenly over them. */
  private List<Context> eventLoopContexts() throws Exception {
    List<Context> contexts = new CopyOnWriteArrayList<>();
    vertx.deployVerticle(() -> (Deployable) ctx -> {
      contexts.add(ctx);
      return Future.succeededFuture();
    }, new DeploymentOptions().setInstances(o.eventLoops)).toCompletionStage().toCompletableFuture().get();
    return contexts;
  }

  private List<WebSocketClient> webSocketClients() {
    List<String> addresses = o.localAddresses.isEmpty() ? Collections.singletonList(null) : o.localAddresses;
    List<WebSocketClient> clients = new ArrayList<>();
    for (String local : addresses) {
      WebSocketClientOptions wo = new WebSocketClientOptions()
          .setMaxConnections(o.connections + 16)
          .setConnectTimeout(o.connectTimeoutMs)
          .setMaxFrameSize(1 << 20)
          .setMaxMessageSize(16 << 20)
          .setTryUsePerMessageCompression(o.compression);
      if (local != null) {
        wo.setLocalAddress(local);
      }
      clients.add(vertx.createWebSocketClient(wo));
    }
    return clients;
  }

  private List<String> resolveSymbols() throws Exception {
    if (!"auto".equalsIgnoreCase(o.symbols)) {
      return BenchOptions.split(o.symbols.toUpperCase());
    }
    String url = o.restBase() + "/api/v1/symbols?limit=" + o.symbolLimit;
    HttpResult r = get(url, 10_000).toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    if (r.status == 400 && o.symbolLimit > 200) {
      // the server caps limit (200 at the time of writing); take what it allows
      log("GET %s -> 400 (%s); retrying with limit=200", url, r.body.length() > 200 ? r.body.substring(0, 200) : r.body);
      url = o.restBase() + "/api/v1/symbols?limit=200";
      r = get(url, 10_000).toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    }
    if (r.status != 200) {
      throw new IllegalStateException("GET " + url + " -> " + r.status + " " + r.body);
    }
    JsonArray results = new JsonObject(r.body).getJsonArray("results", new JsonArray());
    List<String> symbols = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      Object e = results.getValue(i);
      String s = e instanceof JsonObject j ? j.getString("symbol") : e instanceof String str ? str : null;
      if (s != null && !symbols.contains(s)) {
        symbols.add(s);
      }
    }
    return symbols;
  }

  /** For each connection, {@code channels} distinct symbols, each subscribed once per type. */
  List<List<String>> assign(List<String> symbols) {
    Random random = new Random(o.seed);
    int n = symbols.size();
    int[] idx = new int[n];
    List<List<String>> all = new ArrayList<>(o.connections);
    for (int c = 0; c < o.connections; c++) {
      List<String> picked = new ArrayList<>(o.channels);
      if (o.assign.equals("rr")) {
        for (int k = 0; k < o.channels; k++) {
          picked.add(symbols.get((c * o.channels + k) % n));
        }
      } else {
        for (int k = 0; k < n; k++) {
          idx[k] = k;
        }
        for (int k = 0; k < o.channels; k++) {
          int j = k + random.nextInt(n - k);
          int t = idx[k];
          idx[k] = idx[j];
          idx[j] = t;
          picked.add(symbols.get(idx[k]));
        }
      }
      List<String> channels = new ArrayList<>(picked.size() * o.types.size());
      for (String type : o.types) {
        for (String s : picked) {
          channels.add(type + ":" + s);
        }
      }
      all.add(channels);
    }
    return all;
  }

  /** Opens all connections with at most {@code --handshakes} handshakes in flight. */
  private Future<Void> ramp(List<Context> contexts, List<WebSocketClient> clients, List<List<String>> assignment) {
    Promise<Void> done = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    WebSocketConnectOptions connectOptions = new WebSocketConnectOptions()
        .setHost(o.host()).setPort(o.port()).setSsl(o.ssl()).setURI(o.requestUri())
        .setTimeout(o.connectTimeoutMs);
    Runnable[] launch = new Runnable[1];
    launch[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= o.connections) {
        return;
      }
      BenchConnection conn = new BenchConnection(i, assignment.get(i), o.freq, stats, clock);
      conns.add(conn);
      contexts.get(i % contexts.size()).runOnContext(v ->
          conn.connect(clients.get(i % clients.size()), connectOptions).onComplete(ar -> {
            if (finished.incrementAndGet() == o.connections) {
              done.tryComplete();
            }
            launch[0].run();
          }));
    };
    int first = Math.min(o.concurrentHandshakes, o.connections);
    for (int k = 0; k < first; k++) {
      launch[0].run();
    }
    return done.future();
  }

  // ---- during the run ----

  private void sleepWithProgress(String phase, int seconds) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    BenchStats.Counters last = stats.snapshot();
    while (true) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return;
      }
      long step = o.progressSeconds > 0 ? Math.min(left, TimeUnit.SECONDS.toNanos(o.progressSeconds)) : left;
      TimeUnit.NANOSECONDS.sleep(step);
      if (o.progressSeconds > 0) {
        BenchStats.Counters now = stats.snapshot();
        BenchStats.Counters d = now.minus(last);
        last = now;
        log("%-7s open %d, %.0f msg/s, %.2f MB/s, gaps %d, closes %d, errors %d", phase, now.open(),
            d.channelMessages() / d.seconds(), d.bytes() / d.seconds() / 1e6, d.gaps(), d.closes(), d.errors());
      }
    }
  }

  private void closeAll() {
    List<Future<Void>> closing = new ArrayList<>();
    for (BenchConnection c : conns) {
      c.stopping = true;
    }
    for (BenchConnection c : conns) {
      closing.add(c.close().recover(t -> Future.succeededFuture()));
    }
    try {
      Future.join(closing).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // best effort
    }
  }

  // ---- HTTP helpers ----

  record HttpResult(int status, String body) {}

  private Future<HttpResult> get(String url, long timeoutMs) {
    return http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).setTimeout(timeoutMs))
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(body -> new HttpResult(resp.statusCode(), body.toString())));
  }

  /** GET /health (end only) and /stats of the operations port; failures and 404s are recorded, not fatal. */
  private JsonObject opsSnapshot(boolean withHealth) {
    JsonObject out = new JsonObject();
    List<String> paths = withHealth ? List.of("/health", "/health/ready", "/stats") : List.of("/stats");
    for (String p : paths) {
      String url = o.opsBase() + p;
      JsonObject entry = new JsonObject().put("url", url);
      try {
        HttpResult r = get(url, 3000).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        entry.put("status", r.status);
        try {
          entry.put("body", new JsonObject(r.body));
        } catch (RuntimeException notJson) {
          entry.put("body", r.body.length() > 2000 ? r.body.substring(0, 2000) + "..." : r.body);
        }
      } catch (Exception e) {
        entry.put("error", String.valueOf(e.getCause() != null ? e.getCause() : e));
      }
      out.put(p.substring(1).replace('/', '.'), entry);
    }
    return out;
  }

  // ---- report ----

  private JsonObject report(BenchStats.Counters w, String windowStart, double rampSeconds, Histogram srcLat,
      Histogram srvLat, Histogram srcSrv, ProcStats.Sample serverStart, ProcStats.Sample serverEnd,
      ProcStats.Sample selfStart, ProcStats.Sample selfEnd, ProcStats.Sample selfStart0,
      ProcStats.MachineSample machineStart, ProcStats.MachineSample machineEnd, long negative, long clamped,
      JsonObject opsStart, JsonObject opsEnd) {
    double secs = w.seconds();
    JsonObject options = new JsonObject()
        .put("url", o.url).put("connections", o.connections).put("symbolsPerConnection", o.channels)
        .put("types", new JsonArray(List.copyOf(o.types))).put("freq", o.freq).put("warmupSeconds", o.warmupSeconds)
        .put("durationSeconds", o.durationSeconds).put("symbols", o.symbols).put("assign", o.assign)
        .put("seed", o.seed).put("handshakes", o.concurrentHandshakes)
        .put("localAddresses", new JsonArray(List.copyOf(o.localAddresses))).put("eventLoops", o.eventLoops)
        .put("compression", o.compression).put("batch", o.batch).put("serverPid", o.serverPid);

    JsonObject connections = new JsonObject()
        .put("attempted", o.connections).put("connected", stats.connected.sum())
        .put("connectFailures", stats.connectFailures.sum()).put("openAtEnd", w.open())
        .put("rampSeconds", round(rampSeconds, 2)).put("handshakeMs", hist(handshakes))
        .put("unexpectedClosesTotal", stats.unexpectedCloses.sum()).put("unexpectedClosesInWindow", w.closes())
        .put("closeCodes", counts(stats.closeCodes)).put("connectErrors", counts(stats.connectErrors))
        .put("exceptions", stats.exceptions.sum()).put("exceptionMessages", counts(stats.exceptionMessages));

    JsonObject subs = new JsonObject()
        .put("requested", (long) o.connections * o.channels * o.types.size())
        .put("subscribed", stats.subscribed.sum()).put("rejected", stats.rejected.sum())
        .put("rejectCodes", counts(stats.rejectCodes)).put("freqDifferentFromRequested", stats.freqChanged.sum())
        .put("errorReplies", stats.errors.sum()).put("errorCodes", counts(stats.errorCodes));

    JsonObject window = new JsonObject()
        .put("start", windowStart).put("seconds", round(secs, 3))
        .put("messages", w.channelMessages()).put("messagesPerSecond", round(w.channelMessages() / secs, 1))
        .put("liveMessages", w.live()).put("snapshots", w.snapshots())
        .put("quotes", w.quotes()).put("trades", w.trades()).put("klines", w.klines())
        .put("frames", w.frames()).put("batches", w.batches())
        .put("bytes", w.bytes()).put("bytesPerSecond", round(w.bytes() / secs, 0))
        .put("gaps", w.gaps()).put("missedSeq", w.missed()).put("staleOrDuplicate", w.stale())
        .put("gapsAfterSnapshot", w.gapsAfterSnapshot()).put("staleAfterSnapshot", w.staleAfterSnapshot())
        .put("gapsCountMeaning", o.freq.equals("realtime")
            ? "realtime: every jump of seq > 1 is a loss (conflation or drop)"
            : "freq " + o.freq + ": jumps are expected (one message per period)")
        .put("errorReplies", w.errors()).put("exceptions", w.exceptions());

    JsonObject totals = new JsonObject()
        .put("frames", stats.frames.sum()).put("messages", stats.channelMessages.sum())
        .put("snapshots", stats.snapshots.sum()).put("recovered", stats.recovered.sum())
        .put("gaps", stats.gaps.sum()).put("missedSeq", stats.missed.sum()).put("staleOrDuplicate", stats.stale.sum())
        .put("gapsAfterSnapshot", stats.gapsAfterSnapshot.sum())
        .put("staleAfterSnapshot", stats.staleAfterSnapshot.sum())
        .put("welcomes", stats.welcomes.sum()).put("results", stats.results.sum())
        .put("statusMessages", stats.statuses.sum()).put("notices", stats.notices.sum())
        .put("otherTypes", stats.otherTypes.sum()).put("unknownChannelMessages", stats.unknownChannel.sum())
        .put("parseErrors", stats.parseErrors.sum()).put("messagesWithoutSourceTime", stats.noSourceTime.sum());

    JsonObject latency = new JsonObject()
        .put("unit", "ms")
        .put("sourceToClient", hist(srcLat)).put("serverToClient", hist(srvLat)).put("sourceToServer", hist(srcSrv))
        .put("negativeClampedToZero", negative).put("aboveOneHourClamped", clamped)
        .put("note", "source and ts are epoch ms, so values carry up to 1 ms of quantization");

    JsonObject server = new JsonObject().put("pid", o.serverPid);
    if (serverStart != null && serverEnd != null) {
      server.put("cpuPercentOfOneCore", round(serverEnd.cpuPercentSince(serverStart), 1))
          .put("cpuSeconds", round(serverEnd.cpuSecondsSince(serverStart), 2))
          .put("rssMbStart", round(serverStart.rssKb() / 1024.0, 1))
          .put("rssMbEnd", round(serverEnd.rssKb() / 1024.0, 1))
          .put("threads", serverEnd.threads())
          .put("writeSyscallsPerSecond", round(serverEnd.perSecondSince(serverStart, ProcStats.Sample::syscw), 1))
          .put("readSyscallsPerSecond", round(serverEnd.perSecondSince(serverStart, ProcStats.Sample::syscr), 1))
          .put("bytesWrittenPerSecond", round(serverEnd.perSecondSince(serverStart, ProcStats.Sample::wchar), 0));
    } else if (o.serverPid > 0) {
      server.put("error", "could not read /proc/" + o.serverPid + " at the " + (serverStart == null ? "start" : "end")
          + " of the window (has the server exited?)");
    }
    JsonObject gatewayDelta = gatewayDelta(opsStart, opsEnd, secs);
    if (gatewayDelta != null) {
      server.put("gatewayCountersInWindow", gatewayDelta);
    }
    server.put("opsStart", opsStart).put("opsEnd", opsEnd);

    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    JsonObject generator = new JsonObject()
        .put("cores", Runtime.getRuntime().availableProcessors())
        .put("java", System.getProperty("java.version"))
        .put("heapUsedMb", round(heap.getUsed() / 1048576.0, 1))
        .put("heapMaxMb", round(heap.getMax() / 1048576.0, 1));
    if (selfStart != null && selfEnd != null) {
      generator.put("cpuPercentOfOneCore", round(selfEnd.cpuPercentSince(selfStart), 1))
          .put("rssMb", round(selfEnd.rssKb() / 1024.0, 1));
    }
    if (selfStart0 != null && selfEnd != null) {
      generator.put("cpuSecondsWholeRun", round(selfEnd.cpuSecondsSince(selfStart0), 2));
    }
    JsonObject machine = new JsonObject().put("cores", Runtime.getRuntime().availableProcessors());
    if (machineStart != null && machineEnd != null) {
      machine.put("busyPercent", round(machineEnd.busyPercentSince(machineStart), 1));
    }

    JsonObject r = new JsonObject()
        .put("tool", "quotecast-bench LoadClient").put("options", options).put("connections", connections)
        .put("subscriptions", subs).put("window", window).put("latency", latency).put("totals", totals)
        .put("server", server).put("generator", generator).put("machine", machine);
    if (stats.welcome != null) {
      try {
        r.put("welcome", new JsonObject(stats.welcome));
      } catch (RuntimeException e) {
        r.put("welcome", stats.welcome);
      }
    }
    r.put("samples", new JsonArray(new ArrayList<>(stats.samples)));
    return r;
  }

  /** Window deltas (and per-second rates) of the numeric counters under {@code gateway} in the server's /stats. */
  private static JsonObject gatewayDelta(JsonObject opsStart, JsonObject opsEnd, double secs) {
    JsonObject a = gatewayCounters(opsStart);
    JsonObject b = gatewayCounters(opsEnd);
    if (a == null || b == null) {
      return null;
    }
    JsonObject d = new JsonObject();
    for (String k : b.fieldNames()) {
      if (b.getValue(k) instanceof Number nb && a.getValue(k) instanceof Number na) {
        long delta = nb.longValue() - na.longValue();
        d.put(k, new JsonObject().put("end", nb.longValue()).put("delta", delta)
            .put("perSecond", round(delta / secs, 1)));
      }
    }
    return d;
  }

  private static JsonObject gatewayCounters(JsonObject ops) {
    try {
      return ops.getJsonObject("stats").getJsonObject("body").getJsonObject("gateway");
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static JsonObject hist(Histogram h) {
    JsonObject j = new JsonObject().put("count", h.getTotalCount());
    if (h.getTotalCount() == 0) {
      return j;
    }
    return j.put("min", ms(h.getMinValue())).put("mean", round(h.getMean() / 1000.0, 3))
        .put("p50", ms(h.getValueAtPercentile(50))).put("p90", ms(h.getValueAtPercentile(90)))
        .put("p99", ms(h.getValueAtPercentile(99))).put("p999", ms(h.getValueAtPercentile(99.9)))
        .put("max", ms(h.getMaxValue()));
  }

  private static double ms(long us) {
    return round(us / 1000.0, 3);
  }

  private static double round(double v, int digits) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return 0;
    }
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  private static JsonObject counts(Map<String, LongAdder> m) {
    JsonObject j = new JsonObject();
    new TreeMap<>(m).forEach((k, v) -> j.put(k, v.sum()));
    return j;
  }

  private void printSummary(JsonObject r) {
    JsonObject c = r.getJsonObject("connections");
    JsonObject s = r.getJsonObject("subscriptions");
    JsonObject w = r.getJsonObject("window");
    JsonObject l = r.getJsonObject("latency");
    JsonObject sv = r.getJsonObject("server");
    JsonObject g = r.getJsonObject("generator");
    JsonObject t = r.getJsonObject("totals");
    StringBuilder sb = new StringBuilder();
    sb.append("\n==== Quotecast load summary ====\n");
    sb.append(String.format("target         %s  freq %s  types %s%n", o.url, o.freq, String.join(",", o.types)));
    sb.append(String.format("connections    %d/%d connected (%d failed) in %.1f s; open at end %d; "
            + "unexpected closes %d %s%n", c.getLong("connected"), o.connections, c.getLong("connectFailures"),
        c.getDouble("rampSeconds"), c.getLong("openAtEnd"), c.getLong("unexpectedClosesTotal"),
        c.getJsonObject("closeCodes").isEmpty() ? "" : c.getJsonObject("closeCodes").encode()));
    sb.append(String.format("subscriptions  %d subscribed, %d rejected %s, error replies %d %s%n",
        s.getLong("subscribed"), s.getLong("rejected"),
        s.getJsonObject("rejectCodes").isEmpty() ? "" : s.getJsonObject("rejectCodes").encode(),
        s.getLong("errorReplies"), s.getJsonObject("errorCodes").isEmpty() ? "" : s.getJsonObject("errorCodes").encode()));
    sb.append(String.format("window         %.1f s: %d messages = %.0f msg/s, %.2f MB/s (%d frames, %d batches)%n",
        w.getDouble("seconds"), w.getLong("messages"), w.getDouble("messagesPerSecond"),
        w.getDouble("bytesPerSecond") / 1e6, w.getLong("frames"), w.getLong("batches")));
    sb.append(String.format("sequence       window: gaps %d (missed seq %d), stale/dup %d, snapshots %d%n",
        w.getLong("gaps"), w.getLong("missedSeq"), w.getLong("staleOrDuplicate"), w.getLong("snapshots")));
    sb.append(String.format("               whole run: gaps %d (missed seq %d; %d right after a snapshot), "
            + "stale/dup %d (%d right after a snapshot), snapshots %d%n", t.getLong("gaps"), t.getLong("missedSeq"),
        t.getLong("gapsAfterSnapshot"), t.getLong("staleOrDuplicate"), t.getLong("staleAfterSnapshot"),
        t.getLong("snapshots")));
    for (String k : List.of("sourceToClient", "serverToClient", "sourceToServer")) {
      JsonObject h = l.getJsonObject(k);
      if (h.getLong("count") == 0) {
        sb.append(String.format("%-14s no samples%n", k));
        continue;
      }
      sb.append(String.format("%-14s ms p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  (n=%d)%n", k,
          h.getDouble("p50"), h.getDouble("p90"), h.getDouble("p99"), h.getDouble("p999"), h.getDouble("max"),
          h.getLong("count")));
    }
    if (l.getLong("negativeClampedToZero") > 0 || l.getLong("aboveOneHourClamped") > 0) {
      sb.append(String.format("               (%d negative latencies clamped to 0, %d above 1 h clamped)%n",
          l.getLong("negativeClampedToZero"), l.getLong("aboveOneHourClamped")));
    }
    if (sv.containsKey("error")) {
      sb.append(String.format("server         pid %d: %s%n", o.serverPid, sv.getString("error")));
    }
    if (sv.containsKey("cpuPercentOfOneCore")) {
      sb.append(String.format("server         pid %d: CPU %.1f%% of one core, RSS %.0f -> %.0f MB, %d threads%n",
          o.serverPid, sv.getDouble("cpuPercentOfOneCore"), sv.getDouble("rssMbStart"), sv.getDouble("rssMbEnd"),
          sv.getInteger("threads")));
    }
    sb.append(String.format("generator      CPU %.1f%% of one core, RSS %.0f MB; machine busy %.1f%% of %d cores%n",
        g.getDouble("cpuPercentOfOneCore", 0.0), g.getDouble("rssMb", 0.0),
        r.getJsonObject("machine").getDouble("busyPercent", 0.0), g.getInteger("cores")));
    JsonObject gd = sv.getJsonObject("gatewayCountersInWindow");
    if (gd != null) {
      StringBuilder line = new StringBuilder();
      for (String k : List.of("messagesOut", "bytesOut", "publicationsIn", "messagesIn", "conflated", "malformed")) {
        JsonObject e = gd.getJsonObject(k);
        if (e != null) {
          line.append(String.format(" %s %.0f/s (+%d)", k, e.getDouble("perSecond"), e.getLong("delta")));
        }
      }
      JsonObject conns = gd.getJsonObject("connections");
      if (conns != null) {
        line.append(" connections ").append(conns.getLong("end"));
      }
      sb.append("server /stats ").append(line).append('\n');
    }
    JsonObject ops = sv.getJsonObject("opsEnd");
    if (ops != null) {
      for (String k : ops.fieldNames()) {
        JsonObject e = ops.getJsonObject(k);
        sb.append(String.format("ops %-10s %s%n", k, e.containsKey("status")
            ? "HTTP " + e.getInteger("status") : e.getString("error")));
      }
    }
    if (t.getLong("parseErrors") > 0 || t.getLong("unknownChannelMessages") > 0) {
      sb.append(String.format("WARNING        %d unparsable messages, %d messages on channels not subscribed%n",
          t.getLong("parseErrors"), t.getLong("unknownChannelMessages")));
    }
    System.out.print(sb);
  }

  private static void log(String fmt, Object... args) {
    System.out.printf("[%tT] %s%n", System.currentTimeMillis(), String.format(fmt, args));
  }
}
