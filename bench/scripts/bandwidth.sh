#!/usr/bin/env bash
# Issue 7: batching and permessage-deflate, measured side by side on one workload.
# Each configuration gets a fresh server (all roles, simulator) and one LoadClient run; configurations run
# interleaved and repeated (A B C .. A B C ..) so machine noise shows as spread between rounds, not as a bias.
#
# Per run it records: client frames/s, messages/s and payload bytes/s (inflated), the server's write syscalls/s and
# bytes written/s (/proc/PID/io syscw, wchar: the bytes on the wire, compressed or not), server CPU % of one core,
# latency p50/p99 (server send -> client receive, and source -> client), and memory per connection: heap used after
# a forced GC (jcmd GC.heap_info) and RSS, idle vs with every connection subscribed, divided by the connections.
#
# Usage: bench/scripts/bandwidth.sh [CONFIG ...]     (default: every configuration below)
#        bench/scripts/bandwidth.sh --summary DIR    (the table again from DIR/runs.jsonl)
# Memory per connection without traffic noise (queues empty): a slow simulator, e.g.
#        SIM_UPDATES=20 WARMUP=5 DURATION=5 OUT_DIR=bench/target/bandwidth-memory bench/scripts/bandwidth.sh \
#          b0-off=0:off b0-l6-ctx=0:6-ctx b0-l6-noctx=0:6-noctx
# Environment (all optional):
#   ROUNDS        repetitions of the whole set                 (2)
#   CONNECTIONS   CHANNELS WARMUP DURATION                     (500 10 10 20)
#   SIM_UPDATES   simulator updates/s                          (2000)
#   SERVER_JAVA_OPTS  (-Xms1g -Xmx1g -XX:+UseZGC -XX:+AlwaysPreTouch: a pre-touched heap keeps RSS deltas native)
#   BENCH_JAVA_OPTS   (-Xms2g -Xmx2g -XX:+UseZGC)
#   OUT_DIR       (bench/target/bandwidth)   results: runs.jsonl (one line per run), summary.md (the table)
#   REBUILD=1     rebuild the jars even if present
#
# A configuration is NAME=BATCH:COMPRESSION where COMPRESSION is off, or LEVEL-ctx / LEVEL-noctx (server context
# takeover kept / not kept), e.g. b25-l6-ctx=25:6-ctx. minMessageBytes is MIN_BYTES (256) for every compressed run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

SERVER_JAR="app/target/quotecast.jar"
BENCH_JAR="bench/target/quotecast-bench.jar"
SERVER_JAVA_OPTS="${SERVER_JAVA_OPTS:--Xms1g -Xmx1g -XX:+UseZGC -XX:+AlwaysPreTouch}"
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:--Xms2g -Xmx2g -XX:+UseZGC}"
SIM_UPDATES="${SIM_UPDATES:-2000}"
CONNECTIONS="${CONNECTIONS:-500}"
CHANNELS="${CHANNELS:-10}"
WARMUP="${WARMUP:-10}"
DURATION="${DURATION:-20}"
ROUNDS="${ROUNDS:-2}"
MIN_BYTES="${MIN_BYTES:-256}"
OUT_DIR="${OUT_DIR:-bench/target/bandwidth}"

DEFAULT_CONFIGS=(
  b0-off=0:off b10-off=10:off b25-off=25:off b50-off=50:off
  b0-l6-ctx=0:6-ctx b0-l6-noctx=0:6-noctx
  b25-l1-ctx=25:1-ctx b25-l6-ctx=25:6-ctx b25-l9-ctx=25:9-ctx
  b25-l1-noctx=25:1-noctx b25-l6-noctx=25:6-noctx b25-l9-noctx=25:9-noctx
)
if [[ $# -gt 0 ]]; then CONFIGS=("$@"); else CONFIGS=("${DEFAULT_CONFIGS[@]}"); fi

summarize() {
  python3 - "$1/runs.jsonl" >"$1/summary.md" <<'PY'
import json, sys
runs = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
for r in runs:
    m = r["messagesPerSec"]
    r["messagesPerFrame"] = m / r["framesPerSec"] if r["framesPerSec"] > 0 else -1
    r["wireBytesPerMessage"] = r["serverBytesWrittenPerSec"] / m if m > 0 and r["serverBytesWrittenPerSec"] >= 0 else -1
    r["cpuMicrosPerMessage"] = r["serverCpuPercent"] / 100 / m * 1e6 if m > 0 and r["serverCpuPercent"] >= 0 else -1
order = []
for r in runs:
    if r["config"] not in order:
        order.append(r["config"])
def cell(vals, fmt):
    vals = [v for v in vals if v is not None and v >= 0]
    if not vals:
        return "-"
    mean = sum(vals) / len(vals)
    if len(vals) == 1:
        return fmt.format(mean)
    return (fmt + " ({}–{})").format(mean, fmt.format(min(vals)), fmt.format(max(vals)))
cols = [
    ("frames/s", "framesPerSec", "{:,.0f}"), ("msg/s", "messagesPerSec", "{:,.0f}"),
    ("payload MB/s", "payloadBytesPerSec", None), ("wire MB/s", "serverBytesWrittenPerSec", None),
    ("msg/frame", "messagesPerFrame", "{:.1f}"), ("wire B/msg", "wireBytesPerMessage", "{:.0f}"),
    ("write syscalls/s", "serverWriteSyscallsPerSec", "{:,.0f}"), ("server CPU %", "serverCpuPercent", "{:.0f}"),
    ("CPU µs/msg", "cpuMicrosPerMessage", "{:.1f}"),
    ("heap KB/conn", "heapKbPerConnection", "{:.1f}"), ("RSS KB/conn", "rssKbPerConnection", "{:.0f}"),
    ("srv→client p50 ms", "serverToClientP50", "{:.1f}"), ("srv→client p99 ms", "serverToClientP99", "{:.1f}"),
    ("machine busy %", "machineBusyPercent", "{:.0f}"),
]
print("| config | runs | " + " | ".join(c[0] for c in cols) + " |")
print("| --- | ---: | " + " | ".join("---:" for _ in cols) + " |")
for name in order:
    rs = [r for r in runs if r["config"] == name]
    cells = []
    for label, key, fmt in cols:
        vals = [r[key] for r in rs]
        if fmt is None:
            vals = [v / 1e6 if v is not None and v >= 0 else -1 for v in vals]
            fmt = "{:.2f}"
        cells.append(cell(vals, fmt))
    print(f"| {name} | {len(rs)} | " + " | ".join(cells) + " |")
bad = [r for r in runs if r["unexpectedCloses"] or r["gaps"] or r["connected"] == 0]
if bad:
    print()
    print("Runs with closes or gaps: " + ", ".join(f'{r["config"]} r{r["round"]} (closes {r["unexpectedCloses"]}, '
                                                   f'gaps {r["gaps"]})' for r in bad))
PY
}

if [[ "${1:-}" == --summary ]]; then
  summarize "$2"
  cat "$2/summary.md"
  exit 0
fi
if [[ ! -f "$SERVER_JAR" || "${REBUILD:-0}" == 1 ]]; then
  ./mvnw -o -B -q -pl app -am package -DskipTests
fi
if [[ ! -f "$BENCH_JAR" || "${REBUILD:-0}" == 1 ]]; then
  ./mvnw -o -B -q -pl bench package
fi
mkdir -p "$OUT_DIR"
RUNS="$OUT_DIR/runs.jsonl"
: >"$RUNS"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p="$1"
  while port_in_use "$p"; do p=$((p + 1)); done
  echo "$p"
}

SERVER_PID=""
CLIENT_PID=""
stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
cleanup() {
  if [[ -n "$CLIENT_PID" ]] && kill -0 "$CLIENT_PID" 2>/dev/null; then kill "$CLIENT_PID" 2>/dev/null || true; fi
  stop_server
}
trap cleanup EXIT INT TERM

# heap used (MB) after a forced full GC; ZGC prints "ZHeap used 123M, ...", G1 "garbage-first heap total .., used 123K"
heap_after_gc_mb() {
  jcmd "$1" GC.run >/dev/null 2>&1 || true
  sleep 1
  jcmd "$1" GC.heap_info 2>/dev/null | python3 -c '
import re, sys
text = sys.stdin.read()
m = re.search(r"used\s+(\d+)([KMG])", text)
if not m:
    print(-1)
else:
    n, unit = int(m.group(1)), m.group(2)
    print(round(n / 1024.0 if unit == "K" else n * 1024.0 if unit == "G" else float(n), 1))'
}
rss_mb() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo -1; }

run_one() {
  local name="$1" spec="$2" round="$3"
  local batch="${spec%%:*}" comp="${spec#*:}"
  local server_flags=() client_flags=(--batch "$batch")
  if [[ "$comp" == off ]]; then
    server_flags+=(-Dquotecast.gateway.compression.enabled=false)
  else
    local level="${comp%%-*}" ctx="${comp#*-}"
    local noctx=false
    [[ "$ctx" == noctx ]] && noctx=true
    server_flags+=(-Dquotecast.gateway.compression.enabled=true -Dquotecast.gateway.compression.level="$level"
      -Dquotecast.gateway.compression.serverNoContextTakeover="$noctx"
      -Dquotecast.gateway.compression.minMessageBytes="$MIN_BYTES")
    client_flags+=(--compression)
  fi
  local base=$((20000 + RANDOM % 9900))
  local gw_port mon_port
  gw_port="$(free_port "$base")"
  mon_port="$(free_port $((gw_port + 50)))"
  local log="$OUT_DIR/$name-r$round-server.log" out="$OUT_DIR/$name-r$round.json" clog="$OUT_DIR/$name-r$round-client.log"

  # shellcheck disable=SC2086
  java $SERVER_JAVA_OPTS -Dquotecast.gateway.port="$gw_port" -Dquotecast.monitor.port="$mon_port" \
    -Dquotecast.simulator.updatesPerSecond="$SIM_UPDATES" -Dquotecast.simulator.seed=42 \
    -Dquotecast.tiers.free.minFreq=realtime "${server_flags[@]}" -jar "$SERVER_JAR" >"$log" 2>&1 &
  SERVER_PID=$!
  for i in $(seq 1 120); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "$name: server exited early"; tail -n 20 "$log"; return 1; fi
    if curl -fsS -o /dev/null "http://127.0.0.1:$gw_port/api/v1/status" 2>/dev/null; then break; fi
    if [[ "$i" == 120 ]]; then echo "$name: server not ready after 60 s"; stop_server; return 1; fi
    sleep 0.5
  done
  sleep 2
  local heap0 rss0 heap1 rss1
  heap0="$(heap_after_gc_mb "$SERVER_PID")"
  rss0="$(rss_mb "$SERVER_PID")"

  # shellcheck disable=SC2086
  java $BENCH_JAVA_OPTS -cp "$BENCH_JAR" io.quotecast.bench.LoadClient \
    --url "ws://127.0.0.1:$gw_port/ws" --ops-url "http://127.0.0.1:$mon_port" \
    --connections "$CONNECTIONS" --channels "$CHANNELS" --types quote --freq realtime \
    --warmup "$WARMUP" --duration "$DURATION" --symbols auto --server-pid "$SERVER_PID" --out "$out" \
    "${client_flags[@]}" >"$clog" 2>&1 &
  CLIENT_PID=$!
  # memory with every connection open and subscribed: early in the warm-up, well before the window starts
  for _ in $(seq 1 240); do
    grep -q '^\[.*\] ramp:' "$clog" 2>/dev/null && break
    kill -0 "$CLIENT_PID" 2>/dev/null || break
    sleep 0.25
  done
  sleep 2
  heap1="$(heap_after_gc_mb "$SERVER_PID")"
  rss1="$(rss_mb "$SERVER_PID")"
  local rc=0
  wait "$CLIENT_PID" || rc=$?
  CLIENT_PID=""
  stop_server
  if [[ "$rc" != 0 || ! -f "$out" ]]; then
    echo "$name round $round: load client failed (rc $rc); see $clog"
    return 0
  fi
  python3 - "$out" "$name" "$round" "$batch" "$comp" "$heap0" "$heap1" "$rss0" "$rss1" >>"$RUNS" <<'PY'
import json, sys
out, name, rnd, batch, comp, heap0, heap1, rss0, rss1 = sys.argv[1:]
r = json.load(open(out))
w, s, l, c = r["window"], r["server"], r["latency"], r["connections"]
n = max(1, c["connected"])
secs = w["seconds"]
print(json.dumps({
    "config": name, "round": int(rnd), "batch": int(batch), "compression": comp, "connected": c["connected"],
    "unexpectedCloses": c["unexpectedClosesTotal"], "gaps": w["gaps"],
    "framesPerSec": round(w["frames"] / secs, 1), "messagesPerSec": w["messagesPerSecond"],
    "payloadBytesPerSec": w["bytesPerSecond"],
    "serverBytesWrittenPerSec": s.get("bytesWrittenPerSecond", -1),
    "serverWriteSyscallsPerSec": s.get("writeSyscallsPerSecond", -1),
    "serverCpuPercent": s.get("cpuPercentOfOneCore", -1),
    "machineBusyPercent": r["machine"].get("busyPercent", -1),
    "generatorCpuPercent": r["generator"].get("cpuPercentOfOneCore", -1),
    "serverToClientP50": l["serverToClient"].get("p50", -1), "serverToClientP99": l["serverToClient"].get("p99", -1),
    "sourceToClientP50": l["sourceToClient"].get("p50", -1), "sourceToClientP99": l["sourceToClient"].get("p99", -1),
    "heapIdleMb": float(heap0), "heapConnectedMb": float(heap1), "rssIdleMb": float(rss0), "rssConnectedMb": float(rss1),
    "heapKbPerConnection": round((float(heap1) - float(heap0)) * 1024 / n, 1),
    "rssKbPerConnection": round((float(rss1) - float(rss0)) * 1024 / n, 1),
}))
PY
  tail -n 1 "$RUNS"
}

echo "bandwidth: ${#CONFIGS[@]} configurations x $ROUNDS rounds; $CONNECTIONS connections x $CHANNELS quote channels," \
  "realtime, simulator $SIM_UPDATES updates/s, warm-up $WARMUP s, window $DURATION s; $(nproc) cores;" \
  "load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
for round in $(seq 1 "$ROUNDS"); do
  for config in "${CONFIGS[@]}"; do
    echo "[$(date +%T)] round $round: ${config%%=*}"
    run_one "${config%%=*}" "${config#*=}" "$round"
  done
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
summarize "$OUT_DIR"

echo
cat "$OUT_DIR/summary.md"
echo "runs: $RUNS; table: $OUT_DIR/summary.md"
