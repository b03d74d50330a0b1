#!/usr/bin/env bash
# State-changing API calls against a bare gin+gorm insert, and whole case
# lifecycles against a Temporal workflow of the same five steps, in one run, on
# one fresh PostgreSQL database (docs/performance.md quotes its output).
#
#   1. `zerovisit baseline`: POST /baseline/rows inserts one row; driven by
#      `zerovisit load --mode baseline` at CONCURRENCY for BASELINE requests.
#   2. One `zerovisit serve` (with the shared sandbox process): `zerovisit load
#      --mode write` at the same CONCURRENCY for WRITES applications, each a
#      draft, an upload, a commitment, a delivery choice and a submission.
#   3. Once the outbox has delivered the write mode's effects, against the same
#      server, `zerovisit load --mode lifecycle` at
#      LIFECYCLE_CONCURRENCY (default CONCURRENCY) for LIFECYCLES cases, each
#      submitted by a citizen, accepted, approved and dispatched by a clerk,
#      delivered by a courier and closed by its verification on completion.
#   4. The server's peak RSS (VmHWM) after steps 2 and 3 and, with PROFILE=1, a
#      20-second CPU profile taken in the middle of step 2 (saved as
#      $OUT/cpu.pprof; read it with `go tool pprof -top $OUT/zerovisit $OUT/cpu.pprof`).
#   5. With the product's processes stopped, the Temporal peer: `temporal server
#      start-dev` on its default SQLite store (a file in $OUT), and
#      scripts/temporal-peer (its own Go module) running the same lifecycle as a
#      workflow waiting for five signals, LIFECYCLES at LIFECYCLE_CONCURRENCY.
#      Skipped, saying so, unless TEMPORAL_BIN is set or `temporal` is on PATH
#      (GOTOOLCHAIN=local go install github.com/temporalio/cli/cmd/temporal@v1.5.1).
#   6. The ratios: write-mode calls/s against the baseline's inserts/s, and
#      lifecycles/s against Temporal's.
#
# Ports: ZV_PORT_BASE (default 18290) and the next six. The Temporal dev server
# also takes free ports the system assigns for its internal services.
# Needs PostgreSQL on 127.0.0.1:5432 (postgres, trust) and Redis on 6379
# (REDIS_URL, default database 3).
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local

concurrency=${CONCURRENCY:-16}
baseline_n=${BASELINE:-20000}
writes=${WRITES:-3000}
lifecycles=${LIFECYCLES:-1000}
lifecycle_concurrency=${LIFECYCLE_CONCURRENCY:-$concurrency}
base=${ZV_PORT_BASE:-18290}
sandbox_port=$base baseline_port=$((base + 1)) server_port=$((base + 2)) debug_port=$((base + 3))
temporal_port=$((base + 4)) temporal_http_port=$((base + 5)) temporal_metrics_port=$((base + 6))
pg=${PG_URL:-postgres://postgres@127.0.0.1:5432}
out=${OUT:-$(mktemp -d /tmp/zerovisit-bench.XXXXXX)}
mkdir -p "$out"
db="zerovisit_bench_$(date +%s)_$$"
declare -A pids
log() { printf '[bench] %s\n' "$*"; }

cleanup() {
  set +e
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
}
trap cleanup EXIT

bin=${ZEROVISIT_BIN:-$out/zerovisit}
[ -x "$bin" ] || go build -o "$bin" ./cmd/zerovisit
psql "$pg/postgres" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $db"
"$bin" demo --write-catalogue "$out/catalogue.yaml"

export ZEROVISIT_DATABASE_URL="$pg/$db?sslmode=disable"
export ZEROVISIT_REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/3}
export ZEROVISIT_TOKEN_SECRET; ZEROVISIT_TOKEN_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export ZEROVISIT_PII_KEY; ZEROVISIT_PII_KEY=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
export ZEROVISIT_PII_INDEX_KEY; ZEROVISIT_PII_INDEX_KEY=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export ZEROVISIT_AUDIT_KEY; ZEROVISIT_AUDIT_KEY=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
# With PostgreSQL the sandbox setting has no default: say it.
export ZEROVISIT_PARTY_SANDBOX=true ZEROVISIT_PARTY_SANDBOX_URL="http://127.0.0.1:$sandbox_port"
export ZEROVISIT_CATALOGUE_PATH="$out/catalogue.yaml" ZEROVISIT_BLOB_DIR="$out/blobs" ZEROVISIT_LOG_LEVEL=warn
export ZEROVISIT_STAFF_PASSWORD_MEMORY_KIB=1024 ZEROVISIT_STAFF_PASSWORD_TIME=1
"$bin" migrate >/dev/null

log "baseline: $baseline_n one-row inserts at concurrency $concurrency"
"$bin" baseline --addr "127.0.0.1:$baseline_port" >"$out/baseline-server.log" 2>&1 &
pids[baseline]=$!
until curl -s -o /dev/null "http://127.0.0.1:$baseline_port/"; do sleep 0.1; done
"$bin" load --mode baseline --addr "http://127.0.0.1:$baseline_port" --stories "$baseline_n" --concurrency "$concurrency" | tee "$out/baseline.out"
kill "${pids[baseline]}"; unset 'pids[baseline]'

server="http://127.0.0.1:$server_port"
"$bin" sandboxes --addr "127.0.0.1:$sandbox_port" --callbacks "$server" >"$out/sandboxes.log" 2>&1 &
pids[sandboxes]=$!
ZEROVISIT_ADDR="127.0.0.1:$server_port" ZEROVISIT_DEBUG_ADDR="127.0.0.1:$debug_port" ZEROVISIT_CITIZEN_PUBLIC_URL="$server" \
  ZEROVISIT_COURIER_PUBLIC_URL="$server" "$bin" serve --no-migrate >"$out/server.log" 2>&1 &
pids[server]=$!
until curl -fs -o /dev/null "$server/healthz"; do sleep 0.1; done

log "product: $writes applications (5 state-changing calls each) at concurrency $concurrency"
if [ "${PROFILE:-0}" = 1 ]; then
  debug="http://127.0.0.1:$debug_port/debug/pprof"
  ( sleep 8; curl -s -o "$out/goroutines.txt" "$debug/goroutine?debug=1"; curl -s -o "$out/trace.out" "$debug/trace?seconds=3"; curl -s -o "$out/cpu.pprof" "$debug/profile?seconds=20" ) &
  prof=$!
fi
"$bin" load --mode write --addr "$server" --stories "$writes" --concurrency "$concurrency" | tee "$out/write.out"
[ "${PROFILE:-0}" = 1 ] && wait "$prof"
rss_write=$(awk '/VmHWM/ {print $2}' "/proc/${pids[server]}/status")
log "server peak RSS after the write mode: $((rss_write / 1024)) MB"

# The lifecycles' courier orders must not queue behind the write mode's effects.
t0=$SECONDS
until [ "$(psql "$ZEROVISIT_DATABASE_URL" -tAc "SELECT count(*) FROM outbox WHERE state = 'pending'")" = 0 ]; do
  ((SECONDS - t0 < 900)) || { log "the outbox still had pending entries after 900 s"; exit 1; }
  sleep 1
done
log "the outbox delivered the write mode's effects $((SECONDS - t0)) s after it ended"

log "product: $lifecycles lifecycles (submit, accept, approve, dispatch, deliver, close) at concurrency $lifecycle_concurrency"
"$bin" load --mode lifecycle --addr "$server" --stories "$lifecycles" --concurrency "$lifecycle_concurrency" | tee "$out/lifecycle.out"
rss=$(awk '/VmHWM/ {print $2}' "/proc/${pids[server]}/status")
log "server peak RSS after the lifecycle mode: $((rss / 1024)) MB"
for p in server sandboxes; do kill "${pids[$p]}"; wait "${pids[$p]}" 2>/dev/null || true; unset "pids[$p]"; done

temporal_bin=${TEMPORAL_BIN:-$(command -v temporal || true)}
if [ -n "$temporal_bin" ]; then
  log "Temporal peer: $lifecycles five-signal workflows at concurrency $lifecycle_concurrency on \`temporal server start-dev\` (SQLite file)"
  (cd scripts/temporal-peer && go build -o "$out/temporal-peer" .)
  "$temporal_bin" server start-dev --headless --ip 127.0.0.1 --port "$temporal_port" --http-port "$temporal_http_port" \
    --metrics-port "$temporal_metrics_port" --db-filename "$out/temporal.db" --log-level warn >"$out/temporal-server.log" 2>&1 &
  pids[temporal]=$!
  for i in $(seq 300); do
    "$temporal_bin" operator cluster health --address "127.0.0.1:$temporal_port" >/dev/null 2>&1 && break
    [ "$i" = 300 ] && { log "the Temporal dev server did not start in 60 s (see $out/temporal-server.log)"; exit 1; }
    sleep 0.2
  done
  "$out/temporal-peer" --address "127.0.0.1:$temporal_port" --lifecycles "$lifecycles" --concurrency "$lifecycle_concurrency" | tee "$out/temporal.out"
  trss=$(awk '/VmHWM/ {print $2}' "/proc/${pids[temporal]}/status")
  log "Temporal dev server peak RSS: $((trss / 1024)) MB"
else
  log "Temporal peer skipped: set TEMPORAL_BIN or put \`temporal\` on PATH (GOTOOLCHAIN=local go install github.com/temporalio/cli/cmd/temporal@v1.5.1)"
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
b=$(sed -n 's/.*: \([0-9.]*\) calls\/s.*/\1/p' "$out/baseline.out")
w=$(sed -n 's/.*state-changing calls, \([0-9.]*\) calls\/s.*/\1/p' "$out/write.out")
l=$(sed -n 's/^[0-9]* lifecycles in .*: \([0-9.]*\) lifecycles\/s.*/\1/p' "$out/lifecycle.out")
log "state-changing calls/s $w vs baseline inserts/s $b: $(awk -v w="$w" -v b="$b" 'BEGIN {printf "%.0f%%", 100*w/b}')"
if [ -n "$temporal_bin" ]; then
  t=$(sed -n 's/^temporal: .*: \([0-9.]*\) lifecycles\/s.*/\1/p' "$out/temporal.out")
  log "lifecycles/s $l vs Temporal's $t: $(ratio "$l" "$t")× (target ≥ 10×)"
else
  log "lifecycles/s $l (no Temporal peer in this run)"
fi
log "outputs in $out"
