#!/usr/bin/env bash
# Publications per second through the clustered event bus between two processes on this machine (Hazelcast on
# 127.0.0.1): a consumer node and a producer node; the producer publishes real quote publications (our codec) at
# rising target rates, SECONDS per step; prints one JSON line per step (sent, received/s, latency p50/p99/max).
#
# Usage: bench/scripts/cluster-bus.sh [seconds-per-step] [rate,rate,...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
if [[ ! -f app/target/quotecast.jar || ! -f bench/target/quotecast-bench.jar || "${REBUILD:-0}" == 1 ]]; then
  ./mvnw -q -pl app,bench -am package -DskipTests
fi
CP="app/target/quotecast.jar:bench/target/quotecast-bench.jar"
OPTS="${BENCH_JAVA_OPTS:--Xms1g -Xmx1g -XX:+UseZGC}"
P1=$((17000 + RANDOM % 900)); P2=$((P1 + 1))
mkdir -p bench/target
# shellcheck disable=SC2086
java $OPTS -cp "$CP" io.quotecast.bench.ClusterBusBench consumer "$P1" "$P2" > bench/target/cluster-bus-consumer.log 2>&1 &
CONSUMER=$!
trap 'kill $CONSUMER 2>/dev/null || true' EXIT INT TERM
# shellcheck disable=SC2086
java $OPTS -cp "$CP" io.quotecast.bench.ClusterBusBench producer "$P2" "$P1" "${1:-5}" "${2:-20000,50000,100000,200000,400000}" \
  | tee bench/target/cluster-bus.log
