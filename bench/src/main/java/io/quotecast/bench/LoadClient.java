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
  /** --protocol stomp only: the socket side of each connection; its BenchConnection measures the messages. */
  private final List<StompConnection> stompConns = new CopyOnWriteArrayList<>();
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
    List<String> symbols = o.channels == 0 ? List.of() : resolveSymbols();
    if (symbols.size() < o.channels) {
      System.err.printf("error: %d symbols available, %d per connection requested%n", symbols.size(), o.channels);
      return 1;
    }
    List<List<String>> assignment = assign(symbols);
    List<WebSocketClient> clients = webSocketClients();
    log("bench: %d connections x %d channels (%s, freq %s, batch %s, assign %s) to %s over %d event loops, "
            + "%d source address(es); %d symbols in the pool", o.connections, o.channels * o.types.size(),
        String.join(",", o.types), o.freq, o.batch, o.assign, o.url, contexts.size(), clients.size(), symbols.size());

    ProcStats.Sample selfStart0 = ProcStats.sample("self");
    long rampStart = System.nanoTime();
    ramp(contexts, clients, assignment).toCompletionStage().toCompletableFuture().get();
    double rampSeconds = (System.nanoTime() - rampStart) / 1e9;
    handshakes = stats.handshake.getIntervalHistogram();
    log("ramp: %d connected, %d failed in %.1f s (handshake p50 %.1f ms, p99 %.1f ms, max %.1f ms)",
        stats.connected.sum(), stats.connectFailures.sum(), rampSeconds,
        handshakes.getValueAtPercentile(50) / 1000.0, handshakes.getValueAtPercentile(99) / 1000.0,
        handshakes.getMaxValue() / 1000.0);
    JsonObject sync = awaitOtherProcesses();
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
    if (sync != null) {
      result.put("sync", sync);
    }
    Files.writeString(Path.of(o.out), result.encodePrettily() + "\n");
    System.out.print(ResultsSummary.format(result));
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

  /**
   * With --sync-dir: marks this process ready (with its ramp's outcome) and waits for the other parties, so that every
   * process's warm-up and window start together. Null without --sync-dir.
   */
  private JsonObject awaitOtherProcesses() throws Exception {
    if (o.syncDir == null) {
      return null;
    }
    JsonObject ready = new JsonObject().put("id", o.syncId).put("pid", ProcessHandle.current().pid())
        .put("connected", stats.connected.sum()).put("connectFailures", stats.connectFailures.sum())
        .put("open", stats.open.sum()).put("at", Instant.now().toString());
    log("sync: %s ready (%d open); waiting for %d parties in %s", o.syncId, stats.open.sum(), o.syncParties,
        o.syncDir);
    long t0 = System.nanoTime();
    int seen = new StartBarrier(Path.of(o.syncDir), o.syncId, o.syncParties,
        java.time.Duration.ofSeconds(o.syncTimeoutSeconds)).arriveAndAwait(ready.encode());
    double waited = (System.nanoTime() - t0) / 1e9;
    if (seen < o.syncParties) {
      log("sync: WARNING only %d of %d parties ready after %d s; going on", seen, o.syncParties,
          o.syncTimeoutSeconds);
    } else {
      log("sync: all %d parties ready after %.1f s", seen, waited);
    }
    return new JsonObject().put("id", o.syncId).put("parties", o.syncParties).put("ready", seen)
        .put("waitedSeconds", round(waited, 2)).put("releasedAt", Instant.now().toString());
  }

  private List<String> resolveSymbols() throws Exception {
    if (o.symbolsFile != null) {
      return SymbolFile.parse(Files.readString(Path.of(o.symbolsFile)));
    }
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
    return SymbolAssignment.assign(symbols, o.connections, o.channels, o.types, o.assign, o.assignSkew, o.seed);
  }

  /** Opens all connections with at most {@code --handshakes} handshakes in flight. */
  private Future<Void> ramp(List<Context> contexts, List<WebSocketClient> clients, List<List<String>> assignment) {
    Promise<Void> done = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    // one set of connect options per --batch value of the mix
    Map<String, WebSocketConnectOptions> connectOptions = new java.util.HashMap<>();
    for (String b : o.batches.values()) {
      connectOptions.put(b, new WebSocketConnectOptions()
          .setHost(o.host()).setPort(o.port()).setSsl(o.ssl()).setURI(o.requestUri(b))
          .setTimeout(o.connectTimeoutMs));
    }
    Runnable[] launch = new Runnable[1];
    launch[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= o.connections) {
        return;
      }
      BenchConnection conn = new BenchConnection(i, assignment.get(i), o.freqs.at(i), stats, clock);
      conns.add(conn);
      WebSocketConnectOptions options = connectOptions.get(o.batches.at(i));
      StompConnection stomp = o.stomp() ? new StompConnection(conn, assignment.get(i), o.host(), stats, clock) : null;
      if (stomp != null) {
        stompConns.add(stomp);
      }
      contexts.get(i % contexts.size()).runOnContext(v -> (stomp != null
          ? stomp.connect(clients.get(i % clients.size()), options)
          : conn.connect(clients.get(i % clients.size()), options)).onComplete(ar -> {
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
    for (StompConnection c : stompConns) {
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

  /** GET /health/live and /health/ready (end only) and /stats of the operations port; failures and 404s are recorded, not fatal. */
  private JsonObject opsSnapshot(boolean withHealth) {
    JsonObject out = new JsonObject();
    List<String> paths = withHealth ? List.of("/health/live", "/health/ready", "/stats") : List.of("/stats");
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
        .put("url", o.url).put("protocol", o.protocol).put("connections", o.connections)
        .put("symbolsPerConnection", o.channels)
        .put("types", new JsonArray(List.copyOf(o.types))).put("freq", o.freq).put("warmupSeconds", o.warmupSeconds)
        .put("durationSeconds", o.durationSeconds).put("symbols", o.symbols).put("symbolsFile", o.symbolsFile)
        .put("assign", o.assign).put("assignSkew", o.assignSkew)
        .put("seed", o.seed).put("handshakes", o.concurrentHandshakes)
        .put("localAddresses", new JsonArray(List.copyOf(o.localAddresses))).put("eventLoops", o.eventLoops)
        .put("compression", o.compression).put("batch", o.batch).put("serverPid", o.serverPid)
        .put("connectionsByFreq", dealt(o.freqs)).put("connectionsByBatch", dealt(o.batches));

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
        .put("frames", w.frames()).put("framesPerSecond", round(w.frames() / secs, 1)).put("batches", w.batches())
        .put("bytes", w.bytes()).put("bytesPerSecond", round(w.bytes() / secs, 0))
        .put("gaps", w.gaps()).put("missedSeq", w.missed()).put("staleOrDuplicate", w.stale())
        .put("gapsAfterSnapshot", w.gapsAfterSnapshot()).put("staleAfterSnapshot", w.staleAfterSnapshot())
        .put("gapsCountMeaning", o.freq.equals("realtime")
            ? "realtime: every jump of seq > 1 is a loss (conflation or drop)"
            : o.freqs.values().contains("realtime")
                ? "freq mix " + o.freq + ": jumps are expected on the throttled connections, so gaps are not all losses"
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
        // whole histograms, so that results of several processes can be merged exactly (ResultsMerger)
        .put("histograms", new JsonObject().put("encoding", "HdrHistogram compressed, base64, microseconds")
            .put("sourceToClient", HistogramJson.encode(srcLat)).put("serverToClient", HistogramJson.encode(srvLat))
            .put("sourceToServer", HistogramJson.encode(srcSrv)).put("handshake", HistogramJson.encode(handshakes)))
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
        .put("pid", ProcessHandle.current().pid())
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
    return HistogramJson.summary(h);
  }

  private static double round(double v, int digits) {
    return HistogramJson.round(v, digits);
  }

  /** How many connections each value of a mix was dealt. */
  private JsonObject dealt(Mix mix) {
    Map<String, Long> n = new TreeMap<>();
    for (int i = 0; i < o.connections; i++) {
      n.merge(mix.at(i), 1L, Long::sum);
    }
    return new JsonObject(new java.util.LinkedHashMap<String, Object>(n));
  }

  private static JsonObject counts(Map<String, LongAdder> m) {
    JsonObject j = new JsonObject();
    new TreeMap<>(m).forEach((k, v) -> j.put(k, v.sum()));
    return j;
  }

  private static void log(String fmt, Object... args) {
    System.out.printf("[%tT] %s%n", System.currentTimeMillis(), String.format(fmt, args));
  }
}
