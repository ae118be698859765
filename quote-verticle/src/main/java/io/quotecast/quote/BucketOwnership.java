package io.quotecast.quote;

import io.quotecast.common.Addresses;
import io.quotecast.common.Publication;
import io.quotecast.common.PublicationCodec;
import io.quotecast.common.cluster.ClusterView;
import io.quotecast.common.cluster.NodeState;
import io.quotecast.common.cluster.QuoteRoute;
import io.quotecast.common.cluster.SymbolBuckets;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which symbol buckets this quote node produces, kept in agreement with the cluster: registers the node in
 * {@link Addresses#QUOTE_NODES_MAP}, runs one reconcile at a time ({@link OwnershipPlan}) against
 * {@link Addresses#OWNER_MAP}, hands buckets over (stop, write their snapshots, unregister, remove the entry) and takes
 * them over (CAS, read snapshots, restore under a new epoch, register the bucket's request consumer), and writes
 * snapshots behind while clustered. Not clustered, the maps are local async maps and the single node takes every
 * bucket at its first reconcile: the same code path. Runs on the quote verticle's event loop.
 */
final class BucketOwnership {
  private static final Logger LOG = LoggerFactory.getLogger(BucketOwnership.class);
  static final String COMPONENT = "quote";
  /** Map calls in flight at once for takeover reads and snapshot writes. */
  private static final int PARALLEL = 64;
  /** Well inside Main's shutdown wait and the Kubernetes grace period, so a hand-over is never cut off halfway. */
  private static final long STOP_TIMEOUT_MS = 8_000;
  /** Ownership CAS calls run on worker threads in vertx-hazelcast: a few at a time, never the whole pool. */
  private static final int CAS_PARALLEL = 8;

  private final Vertx vertx;
  private final ClusterView view;
  private final NodeState nodeState;
  private final QuoteEngine engine;
  private final QuoteRequests requests;
  private final String me;
  private final String name;
  private final int buckets;
  private final long reconcileMs;
  private final long flushMs;
  private final long settleMs;
  private final Random random;
  private final int[][] symbolsByBucket;
  private final SortedSet<Integer> owned = new TreeSet<>();
  /** A copy of {@link #owned} for other threads (tests, monitoring). */
  private volatile SortedSet<Integer> ownedView = Collections.emptySortedSet();
  private final Map<Integer, MessageConsumer<Object>> consumers = new HashMap<>();
  private final SnapshotWriteBehind writeBehind;
  private final QuoteEngine.Sink sink;
  private AsyncMap<String, Buffer> snapshots;
  private AsyncMap<String, String> owners;
  private AsyncMap<String, JsonObject> quoteNodes;
  private Future<OwnershipPlan> running;
  private long reconcileTimer = -1;
  private long flushTimer = -1;
  private boolean stopping;
  private boolean ready;
  private long since;
  private long takeovers;
  private long lastTakeoverMs = -1;
  private boolean warnedNotMember;

  /**
   * @param buckets {@code cluster.buckets}
   * @param settleMs how long {@link #start} waits for every bucket to have an owner before it gives up waiting
   */
  BucketOwnership(Vertx vertx, QuoteEngine engine, String name, int buckets, long reconcileMs, long flushMs,
                  long settleMs, Random random) {
    this.vertx = vertx;
    this.view = ClusterView.of(vertx);
    this.nodeState = NodeState.of(vertx);
    this.engine = engine;
    this.requests = new QuoteRequests(engine);
    this.me = view.nodeId();
    this.name = name;
    this.buckets = buckets;
    this.reconcileMs = reconcileMs;
    this.flushMs = flushMs;
    this.settleMs = settleMs;
    this.random = random;
    this.symbolsByBucket = bucketIndex(engine, buckets);
    this.writeBehind = new SnapshotWriteBehind((k, v) -> snapshots.put(k, v),
        ch -> engine.owns(engine.indexOf(ch.key().symbol())), PARALLEL);
    EventBus bus = vertx.eventBus();
    // Not clustered nobody takes over, so there is nothing to write behind (and no set to grow per publication).
    boolean writesBehind = view.clustered();
    this.sink = (channel, p) -> {
      if (writesBehind) {
        writeBehind.changed(channel);
      }
      bus.publish(channel.key().address(), p);
    };
    // the engine starts owning everything (standalone use); here nothing is produced before its bucket is claimed
    int[] all = new int[engine.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    engine.release(all);
  }

  /** Symbol indexes per bucket. */
  static int[][] bucketIndex(QuoteEngine engine, int buckets) {
    List<List<Integer>> lists = new ArrayList<>(buckets);
    for (int b = 0; b < buckets; b++) {
      lists.add(new ArrayList<>());
    }
    for (int i = 0; i < engine.size(); i++) {
      lists.get(SymbolBuckets.of(engine.simulator().listings().get(i).symbol(), buckets)).add(i);
    }
    int[][] out = new int[buckets][];
    for (int b = 0; b < buckets; b++) {
      out[b] = lists.get(b).stream().mapToInt(Integer::intValue).toArray();
    }
    return out;
  }

  /** Publishes on the event bus and marks the channel for the write-behind: what the engine publishes into. */
  QuoteEngine.Sink sink() {
    return sink;
  }

  /**
   * Opens the maps, registers this node, reconciles until every bucket has an owner (at most {@code settleMs}), then
   * reports ready and keeps reconciling every {@code reconcileMs}.
   */
  Future<Void> start() {
    nodeState.ready(COMPONENT, false, "waiting for the first ownership reconcile");
    since = System.currentTimeMillis();
    var shared = vertx.sharedData();
    return Future.all(shared.<String, Buffer>getAsyncMap(Addresses.SNAPSHOT_MAP),
        shared.<String, String>getAsyncMap(Addresses.OWNER_MAP),
        shared.<String, JsonObject>getAsyncMap(Addresses.QUOTE_NODES_MAP)).compose(maps -> {
          snapshots = maps.resultAt(0);
          owners = maps.resultAt(1);
          quoteNodes = maps.resultAt(2);
          return quoteNodes.put(me, registration());
        }).compose(v -> settle(System.currentTimeMillis() + settleMs)).onSuccess(v -> {
          if (stopping) {
            return; // stop() ran while we settled: no timers after it
          }
          ready = true;
          nodeState.ready(COMPONENT, true, null);
          reconcileTimer = vertx.setPeriodic(reconcileMs, id -> reconcile());
          if (view.clustered()) {
            flushTimer = vertx.setPeriodic(flushMs, id -> writeBehind.flush()
                .onFailure(e -> LOG.warn("snapshot write-behind failed (retried next flush): {}", e.toString())));
          }
        });
  }

  private Future<Void> settle(long deadline) {
    return reconcile().compose(plan -> {
      if (stopping || (plan != null && plan.settled())) {
        return Future.succeededFuture();
      }
      if (System.currentTimeMillis() >= deadline) {
        LOG.warn("quote ownership: some buckets still have no owner after {} ms; starting anyway", settleMs);
        return Future.succeededFuture();
      }
      Promise<Void> next = Promise.promise();
      vertx.setTimer(reconcileMs, id -> settle(deadline).onComplete(next));
      return next.future();
    }, err -> {
      if (System.currentTimeMillis() >= deadline) {
        return Future.failedFuture(err);
      }
      LOG.warn("quote ownership reconcile failed, retrying: {}", err.toString());
      Promise<Void> next = Promise.promise();
      vertx.setTimer(reconcileMs, id -> settle(deadline).onComplete(next));
      return next.future();
    });
  }

  /**
   * Releases every bucket (snapshots written, consumers gone, entries removed) after deregistering, so the other
   * quote nodes take over at their next reconcile. Bounded in time: a cluster that no longer answers must not hold the
   * shutdown; its entries then wait for the member timeout like a dead node's.
   */
  Future<Void> stop() {
    stopping = true;
    vertx.cancelTimer(reconcileTimer);
    vertx.cancelTimer(flushTimer);
    nodeState.ready(COMPONENT, false, "stopping");
    Future<?> pending = running == null ? Future.succeededFuture() : running.recover(e -> Future.succeededFuture());
    return pending
        .compose(v -> quoteNodes == null ? Future.succeededFuture() : quoteNodes.remove(me))
        .compose(v -> release(new ArrayList<>(owned)))
        .<Void>mapEmpty()
        .timeout(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .recover(e -> {
          LOG.warn("quote ownership: graceful release incomplete ({}); the other nodes take over after the member "
              + "timeout", e.toString());
          return Future.succeededFuture();
        });
  }

  /** Buckets this node produces, ascending. */
  SortedSet<Integer> ownedBuckets() {
    return ownedView;
  }

  private void ownedChanged() {
    ownedView = Collections.unmodifiableSortedSet(new TreeSet<>(owned));
  }

  boolean ready() {
    return ready;
  }

  long takeovers() {
    return takeovers;
  }

  /** Duration of the last takeover (claim to first publications and consumer registered), -1 before any. */
  long lastTakeoverMs() {
    return lastTakeoverMs;
  }

  SnapshotWriteBehind writeBehind() {
    return writeBehind;
  }

  /** Runs one reconcile, or returns the one running (never two at once). Null plan: nothing could be decided. */
  Future<OwnershipPlan> reconcile() {
    if (running != null) {
      return running;
    }
    if (stopping) {
      return Future.succeededFuture(null);
    }
    Future<OwnershipPlan> f = reconcileOnce();
    if (!f.isComplete()) {
      running = f;
      f.onComplete(ar -> running = null);
    }
    return f.onFailure(e -> LOG.warn("quote ownership reconcile failed: {}", e.toString()));
  }

  private Future<OwnershipPlan> reconcileOnce() {
    List<String> members = view.members();
    if (!members.contains(me)) {
      // not an active member (joining, or cut off): the maps cannot be trusted; the others decide about our buckets
      if (!warnedNotMember) {
        warnedNotMember = true;
        LOG.warn("quote ownership: this node is not an active cluster member; not reconciling");
      }
      return Future.succeededFuture(null);
    }
    warnedNotMember = false;
    return Future.all(quoteNodes.entries(), owners.entries()).compose(read -> {
      Map<String, JsonObject> nodes = read.resultAt(0);
      Map<String, String> entries = read.resultAt(1);
      OwnershipPlan plan = OwnershipPlan.of(me, buckets, members, nodes.keySet(), byBucket(entries), owned);
      List<Future<?>> housekeeping = new ArrayList<>();
      for (String dead : plan.purge()) {
        housekeeping.add(quoteNodes.removeIfPresent(dead, nodes.get(dead)));
      }
      if (plan.register()) {
        housekeeping.add(quoteNodes.put(me, registration()));
      }
      for (int b : plan.dropStale()) {
        housekeeping.add(owners.removeIfPresent(key(b), me));
      }
      lose(plan.lost());
      return Future.all(housekeeping)
          .compose(v -> release(plan.release()))
          .compose(v -> claim(plan.claims(), plan.liveNodes().size()))
          .map(plan);
    });
  }

  private Map<Integer, String> byBucket(Map<String, String> entries) {
    Map<Integer, String> out = new HashMap<>();
    for (Map.Entry<String, String> e : entries.entrySet()) {
      try {
        out.put(Integer.parseInt(e.getKey()), e.getValue());
      } catch (NumberFormatException ignored) {
        // not a bucket entry
      }
    }
    return out;
  }

  /** Buckets whose entry no longer names this node: stop at once; their state belongs to the new owner. */
  private void lose(List<Integer> lost) {
    if (lost.isEmpty()) {
      return;
    }
    int[] symbols = symbolsOf(lost);
    writeBehind.forget(engine.release(symbols));
    owned.removeAll(lost);
    ownedChanged();
    for (int b : lost) {
      MessageConsumer<Object> c = consumers.remove(b);
      if (c != null) {
        c.unregister();
      }
    }
    LOG.warn("quote ownership: lost {} buckets ({} symbols) to other nodes; now own {}/{}", lost.size(),
        symbols.length, owned.size(), buckets);
  }

  /** Hand-over: stop producing, write the snapshots and wait, unregister the consumers, then remove the entries. */
  private Future<Void> release(List<Integer> list) {
    if (list.isEmpty()) {
      return Future.succeededFuture();
    }
    long t0 = System.nanoTime();
    int[] symbols = symbolsOf(list);
    List<ChannelState> channels = engine.release(symbols);
    owned.removeAll(list);
    ownedChanged();
    return writeBehind.handOver(channels)
        .recover(e -> {
          LOG.warn("quote ownership: snapshot hand-over failed ({}); the next owner continues from older ones",
              e.toString());
          return Future.succeededFuture();
        })
        .compose(v -> Future.all(list.stream().map(b -> {
          MessageConsumer<Object> c = consumers.remove(b);
          return c == null ? Future.succeededFuture() : c.unregister();
        }).toList()))
        .compose(v -> Future.all(list.stream().map(b -> owners.removeIfPresent(key(b), me)).toList()))
        .<Void>mapEmpty()
        .onSuccess(v -> LOG.info("quote ownership: released {} buckets ({} symbols) in {} ms; now own {}/{}",
            list.size(), symbols.length, (System.nanoTime() - t0) / 1_000_000, owned.size(), buckets));
  }

  /** CAS on each entry; takes over the buckets whose CAS succeeded. */
  private Future<Void> claim(List<OwnershipPlan.Claim> claims, int liveNodes) {
    if (claims.isEmpty()) {
      return Future.succeededFuture();
    }
    long t0 = System.nanoTime();
    List<Supplier<Future<Boolean>>> cas = new ArrayList<>(claims.size());
    for (OwnershipPlan.Claim c : claims) {
      String k = key(c.bucket());
      // every CAS settles before we act on any; an unknown outcome counts as lost (if it did succeed, the next
      // reconcile finds our own stale entry and claims it again)
      cas.add(() -> (c.expected() == null
          ? owners.putIfAbsent(k, me).map(previous -> previous == null)
          : owners.replaceIfPresent(k, c.expected(), me)).otherwise(false));
    }
    return BoundedCalls.run(cas, CAS_PARALLEL).compose(results -> {
      List<Integer> won = new ArrayList<>();
      for (int k = 0; k < claims.size(); k++) {
        if (Boolean.TRUE.equals(results.get(k))) {
          won.add(claims.get(k).bucket());
        }
      }
      return takeOver(won, t0, liveNodes);
    });
  }

  /** Reads the buckets' snapshots, restores and restarts their symbols under a new epoch, registers the consumers. */
  private Future<Void> takeOver(List<Integer> won, long t0, int liveNodes) {
    if (won.isEmpty()) {
      return Future.succeededFuture();
    }
    int[] symbols = symbolsOf(won);
    List<String> keys = new ArrayList<>(symbols.length * 8);
    for (int i : symbols) {
      for (ChannelState ch : engine.channels(i)) {
        keys.add(ch.key().toString());
      }
    }
    List<Supplier<Future<Buffer>>> reads = keys.stream().<Supplier<Future<Buffer>>>map(k -> () -> snapshots.get(k))
        .toList();
    return BoundedCalls.run(reads, PARALLEL).recover(e -> {
      LOG.warn("quote ownership: reading snapshots failed ({}); continuing from local state", e.toString());
      return Future.succeededFuture(List.of());
    }).compose(values -> {
      Map<String, Publication> restored = new HashMap<>();
      Set<String> oldEpochs = new HashSet<>();
      for (Buffer b : values) {
        if (b != null) {
          Publication p = PublicationCodec.fromBuffer(b);
          restored.put(p.channel(), p);
          oldEpochs.add(p.epoch());
        }
      }
      for (int i : symbols) {
        for (ChannelState ch : engine.channels(i)) {
          oldEpochs.add(ch.epoch());
        }
      }
      String epoch = QuoteVerticle.newEpoch(random);
      while (oldEpochs.contains(epoch)) {
        epoch = QuoteVerticle.newEpoch(random);
      }
      engine.takeOver(symbols, restored, epoch, System.currentTimeMillis(), sink);
      owned.addAll(won);
      ownedChanged();
      EventBus bus = vertx.eventBus();
      List<Future<Void>> registered = new ArrayList<>(won.size());
      for (int b : won) {
        MessageConsumer<Object> c = bus.consumer(QuoteRoute.address(b),
            new RequestHandler(m -> requests.handle(m.headers().get(QuoteRoute.ACTION), m.body(),
                System.currentTimeMillis())));
        consumers.put(b, c);
        registered.add(c.completion());
      }
      int restoredCount = restored.size();
      String newEpoch = epoch;
      return Future.all(registered).<Void>mapEmpty().onSuccess(v -> {
        takeovers++;
        lastTakeoverMs = (System.nanoTime() - t0) / 1_000_000;
        LOG.info("quote ownership: took over {} buckets ({} symbols, {} snapshots restored, epoch {}) in {} ms; now "
            + "own {}/{} with {} live quote nodes", won.size(), symbols.length, restoredCount, newEpoch,
            lastTakeoverMs, owned.size(), buckets, liveNodes);
      });
    });
  }

  private int[] symbolsOf(Collection<Integer> list) {
    int n = 0;
    for (int b : list) {
      n += symbolsByBucket[b].length;
    }
    int[] out = new int[n];
    int k = 0;
    for (int b : list) {
      for (int i : symbolsByBucket[b]) {
        out[k++] = i;
      }
    }
    return out;
  }

  private JsonObject registration() {
    return new JsonObject().put("name", name).put("since", since);
  }

  private static String key(int bucket) {
    return Integer.toString(bucket);
  }
}
