#!/usr/bin/env bash
# Peers (issue 8): the same workload against Quotecast and each benchmark peer of bench/peers/, one server after the
# other in the same run, and a side-by-side table with the ratios Quotecast / peer.
#
# Every server gets the same universe (LISTINGS), update rate, Zipf skew and generator seed; every load run the same
# connections, channels (same symbol list, same seeded assignment), warm-up and window. Each server runs alone on its
# own port with its pid sampled by the load client; the JVM servers get the same SERVER_JAVA_OPTS, and SERVER_CPUS
# pins every server (JVM or Node) to the same CPUs. With several RATES, each rate is run against every server before
# the next rate, so drift on a shared machine hits everybody alike.
#
# Usage: bench/scripts/peers.sh [extra LoadClient options...]
# Environment (all optional):
#   SERVERS           servers in run order              (quotecast vertx-broadcast spring-stomp node-ws);
#                     quotecast+NAME is Quotecast again with the extra JVM flags in QC_VARIANT_NAME, for an A/B in
#                     the same run, e.g. SERVERS="quotecast quotecast+plain" QC_VARIANT_plain=-Dquotecast.metrics.vertx=false;
#                     vertx-coalesced is the bare Vert.x peer with Quotecast's flush coalescing (gateway.coalesceFlushes)
#   RATES             updates/s over the universe, comma list, one step each (2000)
#   CONNECTIONS CHANNELS WARMUP DURATION                 (1000 10 10 30)
#   SKEW              Zipf exponent of symbol activity  (0: uniform, so every server delivers the same expected load;
#                     with SKEW > 0 each server ranks its symbols by its own seeded permutation and loads differ)
#   SIM_SEED          generator seed of every server    (42)
#   SEED              load client's assignment seed     (42)
#   LISTINGS          universe CSV for every server     (common/src/main/resources/listings/a-shares.csv, 395 symbols)
#   SERVER_JAVA_OPTS  flags of every JVM server         (-Xms2g -Xmx2g -XX:+UseZGC)
#   NODE_OPTS         flags of the Node server          (--max-old-space-size=2048)
#   SPRING_ARGS       extra Spring Boot arguments of the STOMP peer, e.g. --peer.preserve-order=false
#   SERVER_CPUS       taskset CPU list for every server, e.g. 1 (empty: not pinned)
#   BENCH_CPUS        taskset CPU list for the load client, e.g. 0 (empty: not pinned)
#   BENCH_JAVA_OPTS   load client JVM flags             (-Xms2g -Xmx2g -XX:+UseZGC)
#   SLO_MS            latency bound of the capacity figure: deliveries/s at p99 <= SLO_MS (100)
#   OUT               summary file                      (bench/target/peers-<date>.json; per-run files beside it,
#                     and the chart of p99 against deliveries/s per server as .png)
#   REBUILD=1         rebuild the jars (and reinstall node_modules) even if present
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

SERVERS="${SERVERS:-quotecast vertx-broadcast spring-stomp node-ws}"
RATES="${RATES:-2000}"
CONNECTIONS="${CONNECTIONS:-1000}"
CHANNELS="${CHANNELS:-10}"
WARMUP="${WARMUP:-10}"
DURATION="${DURATION:-30}"
SKEW="${SKEW:-0}"
SIM_SEED="${SIM_SEED:-42}"
SEED="${SEED:-42}"
LISTINGS="${LISTINGS:-common/src/main/resources/listings/a-shares.csv}"
SERVER_JAVA_OPTS="${SERVER_JAVA_OPTS:--Xms2g -Xmx2g -XX:+UseZGC}"
NODE_OPTS="${NODE_OPTS:---max-old-space-size=2048}"
SPRING_ARGS="${SPRING_ARGS:-}"
SERVER_CPUS="${SERVER_CPUS:-}"
BENCH_CPUS="${BENCH_CPUS:-}"
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:--Xms2g -Xmx2g -XX:+UseZGC}"
SLO_MS="${SLO_MS:-100}"
STAMP="$(date -u +%Y%m%d-%H%M%S)"
OUT="${OUT:-bench/target/peers-$STAMP.json}"
RUN_DIR="${OUT%.json}"

SERVER_JAR="app/target/quotecast.jar"
BENCH_JAR="bench/target/quotecast-bench.jar"
VERTX_JAR="bench/peers/vertx-broadcast/target/peer-vertx-broadcast.jar"
SPRING_JAR="bench/peers/spring-stomp/target/peer-spring-stomp.jar"
NODE_DIR="bench/peers/node-ws"

command -v jq >/dev/null || { echo "peers.sh needs jq for the summary"; exit 1; }
[[ -f "$LISTINGS" ]] || { echo "no listings file $LISTINGS"; exit 1; }
LISTINGS="$(cd "$(dirname "$LISTINGS")" && pwd)/$(basename "$LISTINGS")"

# ---- build what is missing; a peer that cannot be built is skipped, not fatal ----
rebuild() { [[ ! -e "$1" || "${REBUILD:-0}" == 1 ]]; }
if rebuild "$SERVER_JAR"; then echo "building $SERVER_JAR ..."; ./mvnw -o -q -B -pl app -am package -DskipTests; fi
if rebuild "$BENCH_JAR"; then echo "building $BENCH_JAR ..."; ./mvnw -o -q -B -pl bench package; fi
AVAILABLE=""
for s in $SERVERS; do
  case "$s" in
    quotecast) AVAILABLE+=" $s" ;;
    quotecast+*)
      var="QC_VARIANT_${s#quotecast+}"
      if [[ -z "${!var:-}" ]]; then echo "$s needs its flags in $var"; exit 2; fi
      AVAILABLE+=" $s" ;;
    vertx-broadcast|vertx-coalesced)
      if rebuild "$VERTX_JAR"; then
        echo "building $VERTX_JAR ..."
        ./mvnw -o -q -B -f bench/peers/vertx-broadcast/pom.xml package \
          || ./mvnw -q -B -f bench/peers/vertx-broadcast/pom.xml package || true
      fi
      if [[ -f "$VERTX_JAR" ]]; then AVAILABLE+=" $s"; else echo "SKIPPED $s: $VERTX_JAR could not be built"; fi ;;
    spring-stomp)
      if rebuild "$SPRING_JAR"; then
        echo "building $SPRING_JAR ..."
        ./mvnw -o -q -B -f bench/peers/spring-stomp/pom.xml package \
          || ./mvnw -q -B -f bench/peers/spring-stomp/pom.xml package || true
      fi
      if [[ -f "$SPRING_JAR" ]]; then AVAILABLE+=" $s"; else echo "SKIPPED $s: $SPRING_JAR could not be built"; fi ;;
    node-ws)
      if ! command -v node >/dev/null; then echo "SKIPPED $s: no node on PATH"; continue; fi
      if rebuild "$NODE_DIR/node_modules/ws"; then (cd "$NODE_DIR" && npm ci --no-audit --no-fund --silent) || true; fi
      if [[ -d "$NODE_DIR/node_modules/ws" ]]; then AVAILABLE+=" $s"; else echo "SKIPPED $s: npm ci failed in $NODE_DIR"; fi ;;
    *) echo "unknown server '$s' (quotecast quotecast+NAME vertx-broadcast vertx-coalesced spring-stomp node-ws)"; exit 2 ;;
  esac
done
mkdir -p "$RUN_DIR"

# every load run subscribes from the same list: the whole universe, dealt by the same seed
SYMBOLS="$(tail -n +2 "$LISTINGS" | cut -d, -f1 | tr -d '\r' | grep -v '^$' | paste -sd,)"
UNIVERSE="$(tr ',' '\n' <<<"$SYMBOLS" | wc -l)"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p="$1"
  while port_in_use "$p"; do p=$((p + 1)); done
  echo "$p"
}
pin() { if [[ -n "$1" ]]; then echo "taskset -c $1"; fi; }

SERVER_PID=""
stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
trap stop_server EXIT INT TERM

# start_server NAME RATE LOG -> sets SERVER_PID, PORT, OPS_URL, PROTOCOL; returns non-zero if it did not come up
start_server() {
  local name="$1" rate="$2" log="$3" base=$((20000 + RANDOM % 9900))
  PORT="$(free_port "$base")"
  OPS_URL="http://127.0.0.1:$PORT" # peers have no operations port; their own port answers /stats with an error
  PROTOCOL=quotecast
  local ready="tcp"
  local variant=""
  if [[ "$name" == quotecast+* ]]; then variant="QC_VARIANT_${name#quotecast+}"; variant="${!variant}"; fi
  case "$name" in
    quotecast|quotecast+*)
      local mport; mport="$(free_port $((PORT + 50)))"
      OPS_URL="http://127.0.0.1:$mport"
      ready="http://127.0.0.1:$PORT/api/v1/status"
      # shellcheck disable=SC2086
      $(pin "$SERVER_CPUS") java $SERVER_JAVA_OPTS \
        -Dquotecast.gateway.port="$PORT" -Dquotecast.monitor.port="$mport" \
        -Dquotecast.symbols.listingsFile="$LISTINGS" \
        -Dquotecast.simulator.updatesPerSecond="$rate" -Dquotecast.simulator.skew="$SKEW" \
        -Dquotecast.simulator.seed="$SIM_SEED" -Dquotecast.tiers.free.minFreq=realtime \
        -Dquotecast.limits.connectionsPerIpPerSecond=0 -Dquotecast.limits.connectionsPerNode=20000 \
        -Dquotecast.overload.enabled=false $variant \
        -jar "$SERVER_JAR" >"$log" 2>&1 &
      SERVER_PID=$! ;;
    vertx-broadcast|vertx-coalesced)
      # the option only where it is used: a peer jar built before it existed still runs as vertx-broadcast
      local coalesce=()
      if [[ "$name" == vertx-coalesced ]]; then coalesce=(--coalesce-flushes true); fi
      # shellcheck disable=SC2086
      $(pin "$SERVER_CPUS") java $SERVER_JAVA_OPTS -jar "$VERTX_JAR" --port "$PORT" --listings "$LISTINGS" \
        --updates "$rate" --skew "$SKEW" --seed "$SIM_SEED" "${coalesce[@]}" >"$log" 2>&1 &
      SERVER_PID=$! ;;
    spring-stomp)
      PROTOCOL=stomp
      # shellcheck disable=SC2086
      $(pin "$SERVER_CPUS") java $SERVER_JAVA_OPTS -jar "$SPRING_JAR" --server.port="$PORT" \
        --peer.listings="$LISTINGS" --peer.updates="$rate" --peer.skew="$SKEW" --peer.seed="$SIM_SEED" $SPRING_ARGS >"$log" 2>&1 &
      SERVER_PID=$! ;;
    node-ws)
      # shellcheck disable=SC2086
      $(pin "$SERVER_CPUS") node $NODE_OPTS "$NODE_DIR/server.js" --port "$PORT" --listings "$LISTINGS" \
        --updates "$rate" --skew "$SKEW" --seed "$SIM_SEED" >"$log" 2>&1 &
      SERVER_PID=$! ;;
  esac
  echo -n "  $name: port $PORT, pid $SERVER_PID, waiting "
  for i in $(seq 1 120); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo; echo "  $name exited early; last log lines:"; tail -n 20 "$log"; return 1
    fi
    if [[ "$ready" == tcp ]] && port_in_use "$PORT"; then break; fi
    if [[ "$ready" != tcp ]] && curl -fsS -o /dev/null "$ready" 2>/dev/null; then break; fi
    if [[ "$i" == 120 ]]; then echo; echo "  $name not ready after 60 s"; tail -n 20 "$log"; return 1; fi
    echo -n "."; sleep 0.5
  done
  sleep 1 # let the generator tick a few times before the first handshake
  echo " up"
}

echo "peers: servers [${AVAILABLE# }], rates [$RATES] updates/s over $UNIVERSE symbols, skew $SKEW;"
echo "       $CONNECTIONS connections x $CHANNELS quote channels, warm-up $WARMUP s, window $DURATION s"
echo "       server JVM: $SERVER_JAVA_OPTS; node: $NODE_OPTS; server CPUs: ${SERVER_CPUS:-not pinned};" \
  "load client CPUs: ${BENCH_CPUS:-not pinned}"
echo "       per-run results and logs: $RUN_DIR/"

RUNS=()
IFS=',' read -r -a RATE_LIST <<<"$RATES"
for rate in "${RATE_LIST[@]}"; do
  for s in $AVAILABLE; do
    echo "== $s at $rate updates/s"
    run="$RUN_DIR/$s-$rate"
    if ! start_server "$s" "$rate" "$run.log"; then
      stop_server
      jq -n --arg s "$s" --argjson rate "$rate" --arg log "$run.log" \
        '{server: $s, rate: $rate, error: "server did not start", log: $log}' >"$run.run.json"
      RUNS+=("$run.run.json")
      continue
    fi
    set +e
    # shellcheck disable=SC2086
    $(pin "$BENCH_CPUS") java $BENCH_JAVA_OPTS -cp "$BENCH_JAR" io.quotecast.bench.LoadClient \
      --url "ws://127.0.0.1:$PORT/ws" --protocol "$PROTOCOL" --ops-url "$OPS_URL" \
      --connections "$CONNECTIONS" --channels "$CHANNELS" --types quote --freq realtime \
      --warmup "$WARMUP" --duration "$DURATION" --symbols "$SYMBOLS" --seed "$SEED" \
      --server-pid "$SERVER_PID" --out "$run.json" "$@" 2>&1 | tee "$run.client.log"
    rc=${PIPESTATUS[0]}
    set -e
    alive=true
    kill -0 "$SERVER_PID" 2>/dev/null || alive=false
    stop_server
    if [[ "$rc" == 0 && -f "$run.json" ]]; then
      jq --arg s "$s" --argjson rate "$rate" --arg log "$run.log" --argjson alive "$alive" \
        '{server: $s, rate: $rate, log: $log, serverAliveAtEnd: $alive, result: (. | del(.samples))}' \
        "$run.json" >"$run.run.json"
    else
      jq -n --arg s "$s" --argjson rate "$rate" --arg log "$run.log" --arg rc "$rc" \
        '{server: $s, rate: $rate, error: ("load client exit code " + $rc), log: $log}' >"$run.run.json"
    fi
    RUNS+=("$run.run.json")
  done
done

# ---- summary: table, ratios, capacity; all from the per-run files ----
jq -s --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --argjson slo "$SLO_MS" --argjson universe "$UNIVERSE" \
  --argjson connections "$CONNECTIONS" --argjson channels "$CHANNELS" --argjson skew "$SKEW" \
  --arg serverJavaOpts "$SERVER_JAVA_OPTS" --arg nodeOpts "$NODE_OPTS" --arg serverCpus "$SERVER_CPUS" \
  --arg benchCpus "$BENCH_CPUS" --arg listings "$LISTINGS" --argjson warmup "$WARMUP" --argjson duration "$DURATION" \
  --argjson cores "$(nproc)" '
  def row: if .result == null then {server, rate, error} else
    (.result) as $r | {
      server, rate,
      connected: $r.connections.connected, subscribed: $r.subscriptions.subscribed,
      deliveriesPerSecond: $r.window.messagesPerSecond,
      expectedPerSecond: (if $skew == 0 then ($connections * $channels * .rate / $universe | floor) else null end),
      p50: $r.latency.sourceToClient.p50, p99: $r.latency.sourceToClient.p99,
      p999: $r.latency.sourceToClient.p999, max: $r.latency.sourceToClient.max,
      cpuPercent: $r.server.cpuPercentOfOneCore, rssMb: $r.server.rssMbEnd,
      gaps: $r.window.gaps, staleOrDuplicate: $r.window.staleOrDuplicate,
      closes: $r.connections.unexpectedClosesTotal, errors: $r.subscriptions.errorReplies,
      machineBusyPercent: $r.machine.busyPercent, generatorCpuPercent: $r.generator.cpuPercentOfOneCore,
      serverAliveAtEnd } end;
  def ratio(a; b): if (a == null or b == null or b == 0) then null else ((a / b) * 1000 | round) / 1000 end;
  def ok: .error == null and .connected == $connections and .subscribed == ($connections * $channels)
          and .p99 != null and .p99 <= $slo;
  (map(row)) as $rows
  | ($rows | map(.server) | unique) as $servers
  | ($servers | map(. as $s | {key: $s, value: ($rows | map(select(.server == $s and ok))
        | max_by(.deliveriesPerSecond) // null
        | if . == null then null else {deliveriesPerSecond, rate, p99} end)}) | from_entries) as $capacity
  | {
      tool: "bench/scripts/peers.sh", date: $date,
      machine: {cores: $cores},
      workload: {connections: $connections, channelsPerConnection: $channels, universe: $universe, listings: $listings,
                 skew: $skew, warmupSeconds: $warmup, windowSeconds: $duration, serverJavaOpts: $serverJavaOpts,
                 nodeOpts: $nodeOpts, serverCpus: $serverCpus, benchCpus: $benchCpus, sloP99Ms: $slo},
      rows: $rows,
      ratiosAtEqualLoad: [$rows | group_by(.rate)[] | (map(select(.server == "quotecast"))[0]) as $q
        | select($q != null and $q.error == null) | .[] | select(.server != "quotecast" and .error == null)
        | {rate, peer: .server,
           deliveries: ratio($q.deliveriesPerSecond; .deliveriesPerSecond),
           p50: ratio($q.p50; .p50), p99: ratio($q.p99; .p99), p999: ratio($q.p999; .p999),
           cpu: ratio($q.cpuPercent; .cpuPercent), rss: ratio($q.rssMb; .rssMb)}],
      capacityAtSlo: $capacity,
      capacityRatios: [$servers[] | select(. != "quotecast") | . as $p
        | {peer: $p, deliveries: ratio($capacity.quotecast.deliveriesPerSecond; $capacity[$p].deliveriesPerSecond)}],
      runs: .
    }' "${RUNS[@]}" >"$OUT"

jq -r '
  def f(n): if n == null then "-" else (n | tostring) end;
  def pad(w): tostring | if length >= w then . else (" " * (w - length)) + . end;
  def line(w): [range(0; length) as $i | .[$i] | f(.) | pad(w[$i])] | join(" ");
  "",
  "==== peers: \(.workload.connections) connections x \(.workload.channelsPerConnection) quote channels over \(.workload.universe) symbols, skew \(.workload.skew), window \(.workload.windowSeconds) s, \(.machine.cores) cores ====",
  "latency = source (data.time) to client, ms; CPU = % of one core; deliveries/s = channel messages received per second",
  [7, 16, 6, 9, 9, 8, 8, 8, 8, 6, 7, 6, 6, 6, 6] as $w
  | (["rate/s","server","conn","deliv/s","expected","p50","p99","p99.9","max","CPU%","RSS MB","gaps","stale","closes",
      "busy%"] | line($w)),
  (.rows[] | if .error != null then ([.rate, .server] | line($w)) + "  " + .error else
    ([.rate, .server, .connected, .deliveriesPerSecond, .expectedPerSecond, .p50, .p99, .p999, .max, .cpuPercent,
      .rssMb, .gaps, .staleOrDuplicate, .closes, .machineBusyPercent] | line($w)) end),
  "",
  "ratios Quotecast / peer at equal load (deliveries > 1: Quotecast delivered more; latency, CPU, RSS > 1: Quotecast higher)",
  [7, 16, 7, 7, 7, 7, 7, 7] as $w
  | (["rate/s","peer","deliv","p50","p99","p99.9","CPU","RSS"] | line($w)),
  (.ratiosAtEqualLoad[] | [.rate, .peer, .deliveries, .p50, .p99, .p999, .cpu, .rss] | line($w)),
  "",
  "capacity: the highest deliveries/s of a step with every connection subscribed and p99 <= \(.workload.sloP99Ms) ms",
  (.capacityAtSlo | to_entries[] | "  \(.key | pad(16)): \(if .value == null then "no step met the bound" else "\(.value.deliveriesPerSecond)/s (rate \(.value.rate), p99 \(.value.p99) ms)" end)"),
  (.capacityRatios[] | "  Quotecast / \(.peer): \(f(.deliveries))"),
  (if ([.rows[] | select(.error == null)] | length) > 0 and ([.rows[].rate] | unique | length) == 1
   then "  (one rate only: the capacity is the best step run, not a ceiling; sweep RATES to find the ceiling)" else empty end)
' "$OUT"
echo
java -cp "$BENCH_JAR" io.quotecast.bench.Charts peers "$OUT" "${OUT%.json}.png" || echo "(no chart)"
echo "summary written to $OUT (per-run results and server logs in $RUN_DIR/)"
