#!/usr/bin/env bash
# Scenario S4 "idle capacity": as many idle WebSocket connections as one node holds (CONNECTIONS, up to 19,000; the
# node limit is raised above it, so a shortfall shows as refusals or failures), subscribed to nothing (IDLE_CHANNELS=0)
# or to one quote channel (IDLE_CHANNELS=1). The server is measured before the ramp and again with every connection
# open (the load clients wait at their start barrier until this script is done measuring): live heap after a full GC
# (jcmd GC.class_histogram), GC.heap_info, RSS, and native memory (NMT). Reports heap, RSS and NMT per connection and
# the classes that grew most. Goal: at most 20 KB of heap per idle connection.
#
# Usage: bench/scripts/s4-idle.sh [extra LoadClient options...]
# Environment (all optional):
#   CONNECTIONS (19000)  IDLE_CHANNELS (0)  FREQ (realtime, with IDLE_CHANNELS=1)  SIM_UPDATES (200)
#   PER_PROCESS (9500)  SETTLE (5 s before each capture)  WARMUP (5)  DURATION (15: the generators' idle window)
#   GOAL_KB (20)  SERVER_JAVA_OPTS (-Xms2g -Xmx2g -XX:+UseG1GC -XX:NativeMemoryTracking=summary)  EXTRA_SERVER_OPTS
#   OUT (bench/target/s4-idle: writes .json, .png, -generators.json, -server.log, -before/ and -after/ captures)
#   and lib.sh's: BENCH_JAVA_OPTS ADDR_BASE SIM_SEED SEED REBUILD
set -euo pipefail
PER_PROCESS="${PER_PROCESS:-9500}"
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$QC_ROOT"

CONNECTIONS="${CONNECTIONS:-19000}"
IDLE_CHANNELS="${IDLE_CHANNELS:-0}"
FREQ="${FREQ:-realtime}"
SIM_UPDATES="${SIM_UPDATES:-200}"
SETTLE="${SETTLE:-5}"
WARMUP="${WARMUP:-5}"
DURATION="${DURATION:-15}"
GOAL_KB="${GOAL_KB:-20}"
SERVER_JAVA_OPTS="${SERVER_JAVA_OPTS:--Xms2g -Xmx2g -XX:+UseG1GC -XX:NativeMemoryTracking=summary}"
OUT="${OUT:-bench/target/s4-idle}"
SCRIPT_PARTY="script"

trap qc_cleanup EXIT
trap 'exit 130' INT TERM
qc_build

# the server holds one file per connection and stays under 20,000 open files itself
if [[ "$CONNECTIONS" -gt 19000 ]]; then qc_log "CONNECTIONS is capped at 19000 (20,000 open files per process)"; exit 2; fi

# capture DIR: what the server holds right now. class_histogram first: it forces the full GC the others then see.
capture() {
  local dir="$1"
  rm -rf "$dir"; mkdir -p "$dir"
  jcmd "$QC_SERVER_PID" GC.class_histogram >"$dir/class_histogram.txt"
  jcmd "$QC_SERVER_PID" GC.heap_info >"$dir/heap_info.txt"
  awk '/^VmRSS:/ { print $2 }' "/proc/$QC_SERVER_PID/status" >"$dir/rss_kb.txt"
  jcmd "$QC_SERVER_PID" VM.native_memory summary >"$dir/native_memory.txt" 2>&1 || true
  curl -fsS "http://127.0.0.1:$QC_MONITOR_PORT/stats" >"$dir/stats.json" 2>/dev/null || true
  qc_log "captured $dir: live heap $(awk '/^Total/ { printf "%.1f MB", $3 / 1048576 }' "$dir/class_histogram.txt"), \
RSS $(awk '{ printf "%.1f MB", $1 / 1024 }' "$dir/rss_kb.txt")"
}

# shellcheck disable=SC2086
qc_start_server "$OUT-server.log" -Dquotecast.limits.connectionsPerNode=$((CONNECTIONS + 1000)) ${EXTRA_SERVER_OPTS:-}
sleep "$SETTLE"
capture "$OUT-before"

qc_start_generators "$CONNECTIONS" "$OUT" 1 --channels "$IDLE_CHANNELS" --freq "$FREQ" \
  --warmup "$WARMUP" --duration "$DURATION" "$@"
K=${#QC_GEN_PIDS[@]}
# wait for every load client to finish its ramp (or to die)
while true; do
  READY=$(find "$OUT-sync" -name '*.ready' | wc -l)
  [[ "$READY" -ge "$K" ]] && break
  ALIVE=0
  for p in "${QC_GEN_PIDS[@]}"; do kill -0 "$p" 2>/dev/null && ALIVE=$((ALIVE + 1)); done
  if [[ "$ALIVE" -lt "$K" ]]; then qc_log "a load client exited during the ramp"; qc_wait_generators || true; exit 1; fi
  sleep 0.5
done
qc_log "all $K load clients ramped; settling $SETTLE s"
sleep "$SETTLE"
capture "$OUT-after"
# let the load clients go on to their (idle) window
echo '{"id":"script"}' >"$OUT-sync/.$SCRIPT_PARTY.tmp" && mv "$OUT-sync/.$SCRIPT_PARTY.tmp" "$OUT-sync/$SCRIPT_PARTY.ready"

RC=0
qc_wait_generators || RC=1
if [[ "$RC" == 0 ]]; then
  qc_merge "$OUT-generators.json" "$OUT-generators.png" "S4 idle" >"$OUT-generators-summary.txt" || RC=1
  grep -E '^(connections|conn\. errors|subscriptions|window|generator)' "$OUT-generators-summary.txt" || true
fi
# the load clients' own count of open connections after their ramps (IdleReport prefers the server's /stats)
OPEN=$(cat "$OUT-sync"/gen*.ready | grep -o '"open":[0-9]*' | awk -F: '{ s += $2 } END { print s + 0 }')
java -Djava.awt.headless=true -cp "$QC_BENCH_JAR" io.quotecast.bench.IdleReport --connections "$OPEN" \
  --before "$OUT-before" --after "$OUT-after" --generators "$OUT-generators.json" --goal-kb "$GOAL_KB" \
  --out "$OUT.json" --png "$OUT.png" || RC=1
qc_server_log_report "$OUT-server.log"
qc_log "results: $OUT.json, chart: $OUT.png"
exit "$RC"
