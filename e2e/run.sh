#!/usr/bin/env bash
# Browser tests of the demo page and the operations dashboard against the real server.
#
#   bash e2e/run.sh            (from the repo root, after: ./mvnw -q -pl app -am package -DskipTests)
#
# Builds nothing. Starts app/target/quotecast.jar on free ports, waits for GET /api/v1/status, runs the Playwright
# tests (Debian's Chromium, never a browser download) with Node's test runner, always stops the server, and exits
# with the tests' status. The tests get QUOTECAST_URL (the public port), QUOTECAST_OPS_URL (the operations port) and
# QUOTECAST_ADMIN_TOKEN (the admin token the dev profile logged). tests/client.test.js and tests/dashboard.test.js
# start servers of their own from the same jar on other free ports; tests/client-unit.test.js needs no server.
# Env: QUOTECAST_JAR (jar path), CHROMIUM_PATH (default /usr/bin/chromium), QUOTECAST_E2E_PORT /
# QUOTECAST_E2E_MONITOR_PORT (default: 18080 / 19090 when free, else any free port).
set -uo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$E2E_DIR/.." && pwd)"
JAR="${QUOTECAST_JAR:-$ROOT/app/target/quotecast.jar}"
ARTIFACTS="$E2E_DIR/artifacts"
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
mkdir -p "$ARTIFACTS"

if [ ! -f "$JAR" ]; then
  echo "e2e: $JAR not found; build it first: ./mvnw -q -pl app -am package -DskipTests" >&2
  exit 2
fi
JAR="$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")" # absolute: the tests resolve it from e2e/
command -v node >/dev/null || { echo "e2e: node is required" >&2; exit 2; }
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "e2e: installing Debian's chromium"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >"$ARTIFACTS/apt.log" 2>&1 \
      || { echo "e2e: apt-get install chromium failed, see $ARTIFACTS/apt.log" >&2; exit 2; }
  else
    echo "e2e: $CHROMIUM not found; install it with: apt-get install -y chromium" >&2
    exit 2
  fi
fi

# a free TCP port: the preferred one when free, else one the kernel picks
free_port() {
  node -e '
    const net = require("net");
    const tryListen = (p) => new Promise((ok) => { const s = net.createServer(); s.once("error", () => ok(null));
      s.listen(p, "127.0.0.1", () => { const a = s.address().port; s.close(() => ok(a)); }); });
    (async () => { let p = await tryListen(Number(process.argv[1])); if (!p) p = await tryListen(0); console.log(p); })();
  ' "$1"
}
PORT="${QUOTECAST_E2E_PORT:-$(free_port 18080)}"
MPORT="${QUOTECAST_E2E_MONITOR_PORT:-$(free_port 19090)}"
if [ "$MPORT" = "$PORT" ]; then MPORT="$(free_port 0)"; fi
BASE="http://127.0.0.1:$PORT"

LOG="$ARTIFACTS/server.log"
echo "e2e: starting $JAR on :$PORT (operations :$MPORT), log $LOG"
java -Dquotecast.gateway.port="$PORT" -Dquotecast.monitor.port="$MPORT" -jar "$JAR" >"$LOG" 2>&1 &
SERVER_PID=$!

stop_server() {
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  wait "$SERVER_PID" 2>/dev/null || true
}
trap stop_server EXIT
trap 'exit 130' INT TERM

ready=0
for _ in $(seq 1 120); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "e2e: the server exited during start-up; last lines of $LOG:" >&2
    tail -n 40 "$LOG" >&2
    exit 1
  fi
  if node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$BASE/api/v1/status"; then
    ready=1
    break
  fi
  sleep 0.5
done
if [ "$ready" != 1 ]; then
  echo "e2e: $BASE/api/v1/status did not answer within 60 s; last lines of $LOG:" >&2
  tail -n 40 "$LOG" >&2
  exit 1
fi
echo "e2e: server ready at $BASE"
OPS="http://127.0.0.1:$MPORT"
# The dev profile logs a one-time admin token once it has started (tests/dashboard.test.js opens this server's
# dashboard with it); the line may come a moment after the status route answers.
ADMIN_TOKEN=""
for _ in $(seq 1 50); do
  ADMIN_TOKEN="$(grep -oE 'Admin token \([^)]*\): [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+' "$LOG" | head -n 1 | sed 's/.*: //')"
  [ -n "$ADMIN_TOKEN" ] && break
  sleep 0.2
done
[ -n "$ADMIN_TOKEN" ] || echo "e2e: no admin token in $LOG (dev profile off?); the dashboard test against this server will fail" >&2

cd "$E2E_DIR" || exit 2
if [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund --loglevel=error || { echo "e2e: npm ci failed" >&2; exit 2; }
fi

QUOTECAST_URL="$BASE" QUOTECAST_OPS_URL="$OPS" QUOTECAST_ADMIN_TOKEN="$ADMIN_TOKEN" QUOTECAST_JAR="$JAR" \
  CHROMIUM_PATH="$CHROMIUM" node --test --test-concurrency=1 tests/*.test.js
status=$?
echo "e2e: node --test exited with $status (screenshots in $ARTIFACTS)"
exit $status
