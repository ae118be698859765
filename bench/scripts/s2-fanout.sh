#!/usr/bin/env bash
# Scenario S2 "fan-out": one Quotecast process (all roles, simulator), 10,000 WebSocket connections x 10 quote
# channels over 1,000 symbols, simulator at 2,000 updates/s: about 100 subscribers per symbol, so about 200,000
# deliveries/s. Goals: source-to-client p99 <= 50 ms with zero loss. The connections are spread over several
# load-client processes (PER_PROCESS at most each, every one from its own 127.0.0.x address) whose windows are lined
# up and whose results are merged exactly (histograms added).
#
# Usage: bench/scripts/s2-fanout.sh [extra LoadClient options...]     e.g. --batch 50, --assign zipf, --types quote,trade
# Environment (all optional):
#   CONNECTIONS (10000)  CHANNELS (10)  SYMBOLS (1000)  SIM_UPDATES (2000)  SIM_SKEW (server default, 1.0)
#   WARMUP (15)  DURATION (30)  FREQ (realtime; or a mix such as realtime:3,1s:1)  TYPES (quote)  ASSIGN (random)
#   SERVER_JAVA_OPTS (-Xms4g -Xmx4g -XX:+UseZGC)  EXTRA_SERVER_OPTS (more -D settings for the server)
#   GOAL_P99_MS (50)  OUT (bench/target/s2-fanout: writes .json, .png, -server.log, -gen<p>.json/.log)
#   and lib.sh's: BENCH_JAVA_OPTS PER_PROCESS (9000) ADDR_BASE SIM_SEED SEED REBUILD
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$QC_ROOT"

CONNECTIONS="${CONNECTIONS:-10000}"
CHANNELS="${CHANNELS:-10}"
SYMBOLS="${SYMBOLS:-1000}"
SIM_UPDATES="${SIM_UPDATES:-2000}"
WARMUP="${WARMUP:-15}"
DURATION="${DURATION:-30}"
FREQ="${FREQ:-realtime}"
TYPES="${TYPES:-quote}"
ASSIGN="${ASSIGN:-random}"
GOAL_P99_MS="${GOAL_P99_MS:-50}"
SERVER_JAVA_OPTS="${SERVER_JAVA_OPTS:--Xms4g -Xmx4g -XX:+UseZGC}"
OUT="${OUT:-bench/target/s2-fanout}"

trap qc_cleanup EXIT
trap 'exit 130' INT TERM
qc_build
LISTINGS="$QC_ROOT/bench/target/listings-$SYMBOLS.csv"
qc_make_listings "$SYMBOLS" "$LISTINGS"

# anonymous connections each count as their own user, so tier free's connectionsPerUser does not bind; the node limit
# (10,000 by default) does, with no headroom for exactly 10,000
# shellcheck disable=SC2086
qc_start_server "$OUT-server.log" -Dquotecast.symbols.listingsFile="$LISTINGS" \
  -Dquotecast.limits.connectionsPerNode=$((CONNECTIONS + 1000)) ${EXTRA_SERVER_OPTS:-}

qc_start_generators "$CONNECTIONS" "$OUT" 0 --channels "$CHANNELS" --types "$TYPES" --freq "$FREQ" \
  --assign "$ASSIGN" --symbols-file "$LISTINGS" --warmup "$WARMUP" --duration "$DURATION" "$@"
RC=0
qc_wait_generators || RC=1
if ! kill -0 "$QC_SERVER_PID" 2>/dev/null; then
  qc_log "WARNING: the server (pid $QC_SERVER_PID) was no longer running at the end of the load run"; RC=1
fi
if [[ "$RC" == 0 ]]; then
  qc_merge "$OUT.json" "$OUT.png" "S2 fan-out" --goal-p99-ms "$GOAL_P99_MS" --goal-zero-loss || RC=1
fi
qc_server_log_report "$OUT-server.log"
exit "$RC"
