#!/usr/bin/env bash
# Scenario S1 "seed": one Quotecast process (all roles, simulator) and one load client on this machine.
# 1,000 WebSocket connections x 10 quote channels, realtime, 10 s warm-up, 30 s measurement window.
#
# Usage: bench/scripts/s1-seed.sh [extra LoadClient options...]
# Environment (all optional):
#   SERVER_JAVA_OPTS  server JVM flags            (-Xms2g -Xmx2g -XX:+UseZGC; G1 pauses pushed p99 to ~60 ms)
#   BENCH_JAVA_OPTS   load-client JVM flags       (-Xms2g -Xmx2g -XX:+UseZGC)
#   SIM_UPDATES       simulator updates/s total   (2000)
#   SIM_SEED          simulator seed              (42)
#   GATEWAY_PORT / MONITOR_PORT  ports to use     (first free from a random base in 20000-29999)
#   CONNECTIONS CHANNELS WARMUP DURATION FREQ     (1000 10 10 30 realtime)
#   OUT               results file                (bench/target/s1-results.json)
#   REBUILD=1         rebuild the jars even if present
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

SERVER_JAR="app/target/quotecast.jar"
BENCH_JAR="bench/target/quotecast-bench.jar"
SERVER_JAVA_OPTS="${SERVER_JAVA_OPTS:--Xms2g -Xmx2g -XX:+UseZGC}"
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:--Xms2g -Xmx2g -XX:+UseZGC}"
SIM_UPDATES="${SIM_UPDATES:-2000}"
SIM_SEED="${SIM_SEED:-42}"
CONNECTIONS="${CONNECTIONS:-1000}"
CHANNELS="${CHANNELS:-10}"
WARMUP="${WARMUP:-10}"
DURATION="${DURATION:-30}"
FREQ="${FREQ:-realtime}"
OUT="${OUT:-bench/target/s1-results.json}"
SERVER_LOG="bench/target/s1-server.log"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p="$1"
  while port_in_use "$p"; do p=$((p + 1)); done
  echo "$p"
}

if [[ ! -f "$SERVER_JAR" || "${REBUILD:-0}" == 1 ]]; then
  echo "building $SERVER_JAR ..."
  ./mvnw -q -pl app -am package -DskipTests
fi
if [[ ! -f "$BENCH_JAR" || "${REBUILD:-0}" == 1 ]]; then
  echo "building $BENCH_JAR ..."
  ./mvnw -q -pl bench package
fi
mkdir -p bench/target

# a random base keeps clear of fixed ports that tests or other servers on this machine may be using
BASE=$((20000 + RANDOM % 9900))
GATEWAY_PORT="${GATEWAY_PORT:-$(free_port "$BASE")}"
MONITOR_PORT="${MONITOR_PORT:-$(free_port $((GATEWAY_PORT + 50)))}"
if [[ "$MONITOR_PORT" == "$GATEWAY_PORT" ]]; then MONITOR_PORT="$(free_port $((GATEWAY_PORT + 1)))"; fi

SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT INT TERM

# S1 measures realtime fan-out to anonymous clients, which are tier free: lift that tier's freq floor.
echo "starting server: gateway :$GATEWAY_PORT, monitor :$MONITOR_PORT, simulator $SIM_UPDATES updates/s ($SERVER_JAVA_OPTS)"
# shellcheck disable=SC2086
java $SERVER_JAVA_OPTS \
  -Dquotecast.gateway.port="$GATEWAY_PORT" -Dquotecast.monitor.port="$MONITOR_PORT" \
  -Dquotecast.simulator.updatesPerSecond="$SIM_UPDATES" -Dquotecast.simulator.seed="$SIM_SEED" \
  -Dquotecast.tiers.free.minFreq=realtime -Dquotecast.limits.connectionsPerIpPerSecond=0 \
  -Dquotecast.overload.enabled=false \
  -jar "$SERVER_JAR" >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!

echo -n "waiting for http://127.0.0.1:$GATEWAY_PORT/api/v1/status "
for i in $(seq 1 120); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo; echo "server exited early; last log lines:"; tail -n 40 "$SERVER_LOG"; exit 1
  fi
  if curl -fsS -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/api/v1/status" 2>/dev/null; then
    echo " up after ~$((i / 2)) s (pid $SERVER_PID)"; break
  fi
  if [[ "$i" == 120 ]]; then echo; echo "server not ready after 60 s"; tail -n 40 "$SERVER_LOG"; exit 1; fi
  echo -n "."; sleep 0.5
done

if ! grep -q 'running roles' "$SERVER_LOG" 2>/dev/null; then
  sleep 1
fi
if grep -qiE 'failed to start' "$SERVER_LOG"; then
  echo "server reported a failed start; last log lines:"; tail -n 20 "$SERVER_LOG"; exit 1
fi

set +e
# shellcheck disable=SC2086
java $BENCH_JAVA_OPTS -cp "$BENCH_JAR" io.quotecast.bench.LoadClient \
  --url "ws://127.0.0.1:$GATEWAY_PORT/ws" \
  --ops-url "http://127.0.0.1:$MONITOR_PORT" \
  --connections "$CONNECTIONS" --channels "$CHANNELS" --types quote --freq "$FREQ" \
  --warmup "$WARMUP" --duration "$DURATION" --symbols auto \
  --server-pid "$SERVER_PID" --out "$OUT" "$@"
RC=$?
set -e
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  echo "WARNING: the server (pid $SERVER_PID) was no longer running at the end of the load run"
  RC=1
fi

ERRORS=$(grep -ciE '"level":"(ERROR|WARN)"|\b(ERROR|WARN|Exception)\b' "$SERVER_LOG" || true)
echo "server log: $SERVER_LOG ($ERRORS lines mentioning ERROR/WARN/Exception)"
if [[ "$ERRORS" != 0 ]]; then
  # the most frequent problem lines, timestamps stripped
  grep -iE '"level":"(ERROR|WARN)"|\b(ERROR|WARN|Exception)\b' "$SERVER_LOG" | sed -E 's/^[0-9:. ]+//' \
    | sort | uniq -c | sort -rn | head -n 10 || true
fi
exit "$RC"
