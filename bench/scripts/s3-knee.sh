#!/usr/bin/env bash
# Scenario S3 "maximum fan-out": the S2 set-up (CONNECTIONS x CHANNELS quote channels over SYMBOLS symbols, realtime)
# run once per simulator rate in RATES, on a freshly started server each time (the rate is fixed at start), until the
# source-to-client p99 passes THRESHOLD_MS. Prints the table of steps and the knee: the delivered messages/s of the
# last step within the threshold. Goal: a knee above 300,000 deliveries/s.
#
# Usage: bench/scripts/s3-knee.sh [extra LoadClient options...]
# Environment (all optional):
#   RATES (1000,2000,3000,4000,5000,6000,8000,10000 simulator updates/s; about 100 deliveries per update with the
#   defaults)  THRESHOLD_MS (100)  CONNECTIONS (10000)  CHANNELS (10)  SYMBOLS (1000)  SIM_SKEW  FREQ (realtime)
#   TYPES (quote)  ASSIGN (random)  WARMUP (10)  DURATION (20)
#   SERVER_JAVA_OPTS (-Xms4g -Xmx4g -XX:+UseZGC)  EXTRA_SERVER_OPTS
#   OUT (bench/target/s3-knee: writes .json (the series), .png (p50/p99/p99.9 vs delivered/s) and per step
#   -step-<rate>.json/.png/-server.log)   and lib.sh's: BENCH_JAVA_OPTS PER_PROCESS ADDR_BASE SIM_SEED SEED REBUILD
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$QC_ROOT"

RATES="${RATES:-1000,2000,3000,4000,5000,6000,8000,10000}"
THRESHOLD_MS="${THRESHOLD_MS:-100}"
CONNECTIONS="${CONNECTIONS:-10000}"
CHANNELS="${CHANNELS:-10}"
SYMBOLS="${SYMBOLS:-1000}"
WARMUP="${WARMUP:-10}"
DURATION="${DURATION:-20}"
FREQ="${FREQ:-realtime}"
TYPES="${TYPES:-quote}"
ASSIGN="${ASSIGN:-random}"
SERVER_JAVA_OPTS="${SERVER_JAVA_OPTS:--Xms4g -Xmx4g -XX:+UseZGC}"
OUT="${OUT:-bench/target/s3-knee}"

trap qc_cleanup EXIT
trap 'exit 130' INT TERM
qc_build
LISTINGS="$QC_ROOT/bench/target/listings-$SYMBOLS.csv"
qc_make_listings "$SYMBOLS" "$LISTINGS"

STEPS=()
RC=0
IFS=',' read -r -a RATE_LIST <<<"$RATES"
for SIM_UPDATES in "${RATE_LIST[@]}"; do
  STEP="$OUT-step-$SIM_UPDATES"
  qc_log "==== step: simulator $SIM_UPDATES updates/s ===="
  # shellcheck disable=SC2086
  qc_start_server "$STEP-server.log" -Dquotecast.symbols.listingsFile="$LISTINGS" \
    -Dquotecast.limits.connectionsPerNode=$((CONNECTIONS + 1000)) ${EXTRA_SERVER_OPTS:-}
  qc_start_generators "$CONNECTIONS" "$STEP" 0 --channels "$CHANNELS" --types "$TYPES" --freq "$FREQ" \
    --assign "$ASSIGN" --symbols-file "$LISTINGS" --warmup "$WARMUP" --duration "$DURATION" --progress 0 "$@"
  if ! qc_wait_generators; then
    qc_log "step $SIM_UPDATES failed; stopping"; RC=1; qc_stop_server; break
  fi
  qc_stop_server
  qc_merge "$STEP.json" "$STEP.png" "S3 step $SIM_UPDATES updates/s" >"$STEP-summary.txt"
  grep -E '^(window|sourceToClient|server  |generator)' "$STEP-summary.txt" || true
  STEPS+=("$SIM_UPDATES=$STEP.json")
  set +e
  java -Djava.awt.headless=true -cp "$QC_BENCH_JAR" io.quotecast.bench.KneeReport --threshold-ms "$THRESHOLD_MS" \
    --out "$OUT.json" --png "$OUT.png" "${STEPS[@]}" >"$OUT-table.txt"
  KRC=$?
  set -e
  if [[ "$KRC" == 3 ]]; then
    qc_log "p99 passed $THRESHOLD_MS ms at $SIM_UPDATES updates/s: the knee is found"; break
  elif [[ "$KRC" != 0 ]]; then
    qc_log "KneeReport failed ($KRC)"; cat "$OUT-table.txt"; RC=1; break
  fi
done

if [[ ${#STEPS[@]} -gt 0 ]]; then
  echo
  echo "==== S3 fan-out steps (source-to-client latency; threshold p99 $THRESHOLD_MS ms) ===="
  cat "$OUT-table.txt"
  qc_log "series: $OUT.json, chart: $OUT.png, per-step results: $OUT-step-<rate>.json"
fi
exit "$RC"
