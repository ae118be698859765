#!/usr/bin/env bash
# Scenario S5 "cluster": three clustered Quotecast nodes on loopback (A and B: quote + gateway, C: gateway only) and
# one load-client process per node, each holding CONNECTIONS connections x CHANNELS quote channels (realtime) from its
# own 127.0.0.x source address. Prints each load client's summary (latency p50/p99, delivered msg/s, gaps) and writes
# bench/target/s5-<node>.json.
#
# Usage: bench/scripts/s5-cluster.sh
# Environment (all optional):
#   CONNECTIONS (3000 per node)  CHANNELS (10)  WARMUP (10)  DURATION (30)  SIM_UPDATES (2000)
#   SERVER_JAVA_OPTS (-Xms768m -Xmx768m -XX:+UseZGC)  BENCH_JAVA_OPTS (-Xms512m -Xmx512m -XX:+UseZGC)
#   REBUILD=1  rebuild the jars
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
SERVER_JAR="app/target/quotecast.jar"
BENCH_JAR="bench/target/quotecast-bench.jar"
CONNECTIONS="${CONNECTIONS:-3000}"
CHANNELS="${CHANNELS:-10}"
WARMUP="${WARMUP:-10}"
DURATION="${DURATION:-30}"
SIM_UPDATES="${SIM_UPDATES:-2000}"
SERVER_JAVA_OPTS="${SERVER_JAVA_OPTS:--Xms768m -Xmx768m -XX:+UseZGC}"
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:--Xms512m -Xmx512m -XX:+UseZGC}"
if [[ ! -f "$SERVER_JAR" || ! -f "$BENCH_JAR" || "${REBUILD:-0}" == 1 ]]; then
  ./mvnw -q -pl app,bench -am package -DskipTests
fi
mkdir -p bench/target

BASE=$((21000 + RANDOM % 8000))
HZ=( $((BASE)) $((BASE + 1)) $((BASE + 2)) )
MEMBERS="127.0.0.1:${HZ[0]},127.0.0.1:${HZ[1]},127.0.0.1:${HZ[2]}"
NAMES=(a b c)
ROLES=("quote,gateway,monitor" "quote,gateway,monitor" "gateway,monitor")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 2
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

for i in 0 1 2; do
  GW=$((BASE + 10 + i)); OPS=$((BASE + 20 + i))
  # shellcheck disable=SC2086
  java $SERVER_JAVA_OPTS -Dquotecast.node.id="node-${NAMES[$i]}" \
    -Dquotecast.cluster.port="${HZ[$i]}" -Dquotecast.cluster.members="$MEMBERS" \
    -Dquotecast.gateway.port="$GW" -Dquotecast.monitor.port="$OPS" -Dquotecast.gateway.instances=1 \
    -Dquotecast.simulator.updatesPerSecond="$SIM_UPDATES" -Dquotecast.simulator.seed=42 \
    -Dquotecast.tiers.free.minFreq=realtime -Dquotecast.tiers.free.connectionsPerUser=100000 \
    -Dquotecast.cluster.rebalanceThreshold=0 -Dquotecast.limits.connectionsPerNode=20000 \
    -Dquotecast.limits.connectionsPerIpPerSecond=0 -Dquotecast.overload.enabled=false ${EXTRA_SERVER_OPTS:-} \
    -jar "$SERVER_JAR" --cluster --roles "${ROLES[$i]}" > "bench/target/s5-node-${NAMES[$i]}.log" 2>&1 &
  PIDS+=($!)
done
for i in 0 1 2; do
  OPS=$((BASE + 20 + i))
  echo -n "waiting for node-${NAMES[$i]} "
  for t in $(seq 1 180); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$OPS/health/ready" 2>/dev/null; then echo "ready"; break; fi
    if [[ "$t" == 180 ]]; then echo "not ready"; tail -n 30 "bench/target/s5-node-${NAMES[$i]}.log"; exit 1; fi
    sleep 0.5
  done
done

LOADS=()
for i in 0 1 2; do
  GW=$((BASE + 10 + i)); OPS=$((BASE + 20 + i))
  # shellcheck disable=SC2086
  java $BENCH_JAVA_OPTS -cp "$BENCH_JAR" io.quotecast.bench.LoadClient \
    --url "ws://127.0.0.1:$GW/ws" --ops-url "http://127.0.0.1:$OPS" \
    --connections "$CONNECTIONS" --channels "$CHANNELS" --types quote --freq realtime \
    --warmup "$WARMUP" --duration "$DURATION" --symbols auto --local-addresses "127.0.0.$((i + 2))" \
    --server-pid "${PIDS[$i]}" --out "bench/target/s5-${NAMES[$i]}.json" > "bench/target/s5-load-${NAMES[$i]}.log" 2>&1 &
  LOADS+=($!)
done
RC=0
for p in "${LOADS[@]}"; do wait "$p" || RC=1; done
for i in 0 1 2; do
  echo "=== node-${NAMES[$i]} (${ROLES[$i]}) ==="
  tail -n 25 "bench/target/s5-load-${NAMES[$i]}.log"
done
exit "$RC"
