# Shared functions of the scenario scripts (s2-fanout.sh, s3-knee.sh, s4-idle.sh); source it, do not run it.
# Conventions: every function prefixes its globals with QC_; the caller sets `trap qc_cleanup EXIT INT TERM`.
#
# Environment read here (all optional):
#   SERVER_JAVA_OPTS  server JVM flags (each script sets its own default)
#   BENCH_JAVA_OPTS   flags of each load-client process        (-Xms2g -Xmx2g -XX:+UseZGC)
#   PER_PROCESS       most connections per load-client process (9000; each process may hold 20,000 open files)
#   ADDR_BASE         process p connects from 127.0.0.(ADDR_BASE + p)   (10)
#   SIM_SEED          simulator seed (42)    SEED  first load-client seed (42; process p uses SEED + p)
#   REBUILD=1         rebuild the jars even if present

QC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
QC_SERVER_JAR="$QC_ROOT/app/target/quotecast.jar"
QC_BENCH_JAR="$QC_ROOT/bench/target/quotecast-bench.jar"
QC_SHIPPED_LISTINGS="$QC_ROOT/common/src/main/resources/listings/a-shares.csv"
# ZGC, not G1: a generator holding thousands of connections had G1 young pauses of 30-180 ms, and every message
# arriving during a pause was measured that much late (S3 at 10,000 connections: p99 84 ms with G1, 41 ms with ZGC).
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:--Xms2g -Xmx2g -XX:+UseZGC}"
PER_PROCESS="${PER_PROCESS:-9000}"
ADDR_BASE="${ADDR_BASE:-10}"
SIM_SEED="${SIM_SEED:-42}"
SEED="${SEED:-42}"

QC_SERVER_PID=""
QC_GEN_PIDS=()
QC_TAIL_PID=""

qc_log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*"; }

qc_build() {
  cd "$QC_ROOT"
  if [[ ! -f "$QC_SERVER_JAR" || "${REBUILD:-0}" == 1 ]]; then
    qc_log "building $QC_SERVER_JAR ..."
    ./mvnw -o -B -q -pl app -am package -DskipTests
  fi
  if [[ ! -f "$QC_BENCH_JAR" || "${REBUILD:-0}" == 1 ]]; then
    qc_log "building $QC_BENCH_JAR ..."
    ./mvnw -o -B -q -pl bench package -DskipTests
  fi
  mkdir -p "$QC_ROOT/bench/target"
}

qc_port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
qc_free_port() {
  local p="$1"
  while qc_port_in_use "$p"; do p=$((p + 1)); done
  echo "$p"
}

# qc_make_listings N FILE: the shipped universe plus synthetic main-board listings (605000.SH upwards, a range the
# shipped file does not use) up to N symbols, in the layout of symbols.listingsFile. The server and the load clients
# both read it: the REST search answers at most 200 symbols, S2 needs 1,000.
qc_make_listings() {
  local n="$1" file="$2"
  awk -F, -v n="$n" 'NR == 1 { print; next }
    { seen[$1] = 1; if (count < n) { print; count++ } }
    END {
      code = 605000
      while (count < n) {
        ts = code ".SH"
        if (!(ts in seen)) {
          printf "%s,%d,合成%d,上海,合成,HC%d,主板,20200101,\n", ts, code, code, code
          count++
        }
        code++
      }
    }' "$QC_SHIPPED_LISTINGS" > "$file"
}

# qc_start_server LOG [-Dkey=value ...]: starts all roles in one JVM with SERVER_JAVA_OPTS on fresh ports, the
# simulator at SIM_UPDATES (SIM_SKEW if set) and anonymous clients allowed realtime. Sets QC_SERVER_PID,
# QC_GATEWAY_PORT, QC_MONITOR_PORT and returns once GET /api/v1/status answers.
qc_start_server() {
  local log="$1"; shift
  # a random base keeps clear of fixed ports that tests or other servers on this machine may be using
  local base=$((20000 + RANDOM % 9900))
  QC_GATEWAY_PORT="$(qc_free_port "$base")"
  QC_MONITOR_PORT="$(qc_free_port $((QC_GATEWAY_PORT + 50)))"
  local skew=()
  if [[ -n "${SIM_SKEW:-}" ]]; then skew=("-Dquotecast.simulator.skew=$SIM_SKEW"); fi
  qc_log "starting server: gateway :$QC_GATEWAY_PORT, monitor :$QC_MONITOR_PORT, simulator ${SIM_UPDATES} updates/s" \
    "($SERVER_JAVA_OPTS $*)"
  # shellcheck disable=SC2086
  java $SERVER_JAVA_OPTS \
    -Dquotecast.gateway.port="$QC_GATEWAY_PORT" -Dquotecast.monitor.port="$QC_MONITOR_PORT" \
    -Dquotecast.simulator.updatesPerSecond="$SIM_UPDATES" -Dquotecast.simulator.seed="$SIM_SEED" "${skew[@]}" \
    -Dquotecast.tiers.free.minFreq=realtime \
    -Dquotecast.limits.connectionsPerIpPerSecond=0 -Dquotecast.overload.enabled=false \
    "$@" -jar "$QC_SERVER_JAR" >"$log" 2>&1 &
  QC_SERVER_PID=$!
  local i
  for i in $(seq 1 240); do
    if ! kill -0 "$QC_SERVER_PID" 2>/dev/null; then
      qc_log "server exited early; last log lines:"; tail -n 40 "$log"; return 1
    fi
    if curl -fsS -o /dev/null "http://127.0.0.1:$QC_GATEWAY_PORT/api/v1/status" 2>/dev/null; then
      qc_log "server up after ~$((i / 2)) s (pid $QC_SERVER_PID)"
      if grep -qiE 'failed to start' "$log"; then
        qc_log "server reported a failed start"; tail -n 20 "$log"; return 1
      fi
      return 0
    fi
    sleep 0.5
  done
  qc_log "server not ready after 120 s"; tail -n 40 "$log"; return 1
}

qc_stop_server() {
  if [[ -n "$QC_SERVER_PID" ]] && kill -0 "$QC_SERVER_PID" 2>/dev/null; then
    kill "$QC_SERVER_PID" 2>/dev/null || true
    local _
    for _ in $(seq 1 150); do kill -0 "$QC_SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$QC_SERVER_PID" 2>/dev/null || true
    wait "$QC_SERVER_PID" 2>/dev/null || true
  fi
  QC_SERVER_PID=""
}

# the server log's problem lines, most frequent first
qc_server_log_report() {
  local log="$1" n
  n=$(grep -ciE '"level":"(ERROR|WARN)"|\b(ERROR|WARN|Exception)\b' "$log" || true)
  qc_log "server log: $log ($n lines mentioning ERROR/WARN/Exception)"
  if [[ "$n" != 0 ]]; then
    grep -iE '"level":"(ERROR|WARN)"|\b(ERROR|WARN|Exception)\b' "$log" | sed -E 's/^[0-9:. ]+//' \
      | cut -c1-200 | sort | uniq -c | sort -rn | head -n 8 || true
  fi
}

qc_stop_generators() {
  local p
  for p in "${QC_GEN_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${QC_GEN_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [[ -n "$QC_TAIL_PID" ]]; then kill "$QC_TAIL_PID" 2>/dev/null || true; QC_TAIL_PID=""; fi
  QC_GEN_PIDS=()
}

qc_cleanup() {
  qc_stop_generators
  qc_stop_server
}

# qc_processes_for TOTAL: how many load-client processes hold TOTAL connections at PER_PROCESS each at most.
qc_processes_for() { echo $(( ($1 + PER_PROCESS - 1) / PER_PROCESS )); }

# qc_start_generators TOTAL PREFIX EXTRA_PARTIES [LoadClient options...]: starts K = qc_processes_for(TOTAL) load
# clients in the background against the running server. Process p holds its share of TOTAL from 127.0.0.(ADDR_BASE+p),
# uses seed SEED+p, writes PREFIX-gen<p>.json and PREFIX-gen<p>.log, and waits after its ramp in PREFIX-sync until
# K + EXTRA_PARTIES parties are ready (the script itself may be one, see s4-idle.sh). Process 0's log is echoed.
qc_start_generators() {
  local total="$1" prefix="$2" extra="$3"; shift 3
  local k; k="$(qc_processes_for "$total")"
  local nofile; nofile="$(ulimit -Hn)"
  if [[ "$nofile" != unlimited && $((total / k + 200)) -gt "$nofile" ]]; then
    qc_log "error: $((total / k)) connections per process need more than the $nofile open files allowed"; return 1
  fi
  rm -rf "$prefix-sync" "$prefix"-gen*.json "$prefix"-gen*.log
  mkdir -p "$prefix-sync"
  QC_GEN_FILES=()
  local p n
  for ((p = 0; p < k; p++)); do
    # spread the remainder over the first processes
    n=$(( total / k + (p < total % k ? 1 : 0) ))
    (
      ulimit -n "$nofile" 2>/dev/null || true
      # shellcheck disable=SC2086
      exec java $BENCH_JAVA_OPTS -cp "$QC_BENCH_JAR" io.quotecast.bench.LoadClient \
        --url "ws://127.0.0.1:$QC_GATEWAY_PORT/ws" --ops-url "http://127.0.0.1:$QC_MONITOR_PORT" \
        --connections "$n" --local-addresses "127.0.0.$((ADDR_BASE + p))" --seed $((SEED + p)) \
        --server-pid "$QC_SERVER_PID" --out "$prefix-gen$p.json" \
        --sync-dir "$prefix-sync" --sync-parties $((k + extra)) --sync-id "gen$p" "$@"
    ) >"$prefix-gen$p.log" 2>&1 &
    QC_GEN_PIDS+=($!)
    QC_GEN_FILES+=("$prefix-gen$p.json")
  done
  qc_log "$k load-client process(es) for $total connections (at most $PER_PROCESS each): pids ${QC_GEN_PIDS[*]}"
  tail -n +1 -f --pid="${QC_GEN_PIDS[0]}" "$prefix-gen0.log" 2>/dev/null | sed -u 's/^/[gen0] /' &
  QC_TAIL_PID=$!
}

# qc_wait_generators: waits for every load client; fails if one failed (its log's tail is shown).
qc_wait_generators() {
  local rc=0 i=0 p
  for p in "${QC_GEN_PIDS[@]}"; do
    if ! wait "$p"; then
      rc=1
      qc_log "load client gen$i (pid $p) failed; last lines of its log:"
      tail -n 15 "${QC_GEN_FILES[$i]%.json}.log"
    fi
    i=$((i + 1))
  done
  if [[ -n "$QC_TAIL_PID" ]]; then wait "$QC_TAIL_PID" 2>/dev/null || true; QC_TAIL_PID=""; fi
  QC_GEN_PIDS=()
  return "$rc"
}

# qc_merge OUT_JSON OUT_PNG TITLE [MergeResults options...]: merges the load clients' results, prints the summary.
qc_merge() {
  local out="$1" png="$2" title="$3"; shift 3
  java -Djava.awt.headless=true -cp "$QC_BENCH_JAR" io.quotecast.bench.MergeResults --out "$out" --png "$png" \
    --title "$title" "$@" "${QC_GEN_FILES[@]}"
}
