#!/usr/bin/env bash
# State-changing API calls against a bare gin+gorm insert, in one run, on one
# fresh PostgreSQL database (docs/performance.md quotes its output).
#
#   1. `zerovisit baseline`: POST /baseline/rows inserts one row; driven by
#      `zerovisit load --mode baseline` at CONCURRENCY for BASELINE requests.
#   2. One `zerovisit serve` (with the shared sandbox process): `zerovisit load
#      --mode write` at the same CONCURRENCY for WRITES applications, each a
#      draft, an upload, a commitment, a delivery choice and a submission.
#   3. The server's peak RSS (VmHWM) and, with PROFILE=1, a 20-second CPU profile
#      taken in the middle of step 2 (saved as $OUT/cpu.pprof; read it with
#      `go tool pprof -top $OUT/zerovisit $OUT/cpu.pprof`).
#
# Needs PostgreSQL on 127.0.0.1:5432 (postgres, trust) and Redis on 6379.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local

concurrency=${CONCURRENCY:-16}
baseline_n=${BASELINE:-20000}
writes=${WRITES:-3000}
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
export ZEROVISIT_PARTY_SANDBOX_URL="http://127.0.0.1:18290"
export ZEROVISIT_CATALOGUE_PATH="$out/catalogue.yaml" ZEROVISIT_BLOB_DIR="$out/blobs" ZEROVISIT_LOG_LEVEL=warn
export ZEROVISIT_STAFF_PASSWORD_MEMORY_KIB=1024 ZEROVISIT_STAFF_PASSWORD_TIME=1
"$bin" migrate >/dev/null

log "baseline: $baseline_n one-row inserts at concurrency $concurrency"
"$bin" baseline --addr 127.0.0.1:18291 >"$out/baseline-server.log" 2>&1 &
pids[baseline]=$!
until curl -s -o /dev/null http://127.0.0.1:18291/; do sleep 0.1; done
"$bin" load --mode baseline --addr http://127.0.0.1:18291 --stories "$baseline_n" --concurrency "$concurrency" | tee "$out/baseline.out"
kill "${pids[baseline]}"; unset 'pids[baseline]'

"$bin" sandboxes --addr 127.0.0.1:18290 --callbacks http://127.0.0.1:18292 >"$out/sandboxes.log" 2>&1 &
pids[sandboxes]=$!
ZEROVISIT_ADDR=127.0.0.1:18292 ZEROVISIT_DEBUG_ADDR=127.0.0.1:18293 ZEROVISIT_CITIZEN_PUBLIC_URL=http://127.0.0.1:18292 \
  ZEROVISIT_COURIER_PUBLIC_URL=http://127.0.0.1:18292 "$bin" serve --no-migrate >"$out/server.log" 2>&1 &
pids[server]=$!
until curl -fs -o /dev/null http://127.0.0.1:18292/healthz; do sleep 0.1; done

log "product: $writes applications (5 state-changing calls each) at concurrency $concurrency"
if [ "${PROFILE:-0}" = 1 ]; then
  ( sleep 8; curl -s -o "$out/goroutines.txt" "http://127.0.0.1:18293/debug/pprof/goroutine?debug=1"; curl -s -o "$out/trace.out" "http://127.0.0.1:18293/debug/pprof/trace?seconds=3"; curl -s -o "$out/cpu.pprof" "http://127.0.0.1:18293/debug/pprof/profile?seconds=20" ) &
  prof=$!
fi
"$bin" load --mode write --addr http://127.0.0.1:18292 --stories "$writes" --concurrency "$concurrency" | tee "$out/write.out"
[ "${PROFILE:-0}" = 1 ] && wait "$prof"
rss=$(awk '/VmHWM/ {print $2}' "/proc/${pids[server]}/status")
log "server peak RSS: $((rss / 1024)) MB"
b=$(sed -n 's/.*: \([0-9.]*\) calls\/s.*/\1/p' "$out/baseline.out")
w=$(sed -n 's/.*state-changing calls, \([0-9.]*\) calls\/s.*/\1/p' "$out/write.out")
log "state-changing calls/s $w vs baseline inserts/s $b: $(awk -v w="$w" -v b="$b" 'BEGIN {printf "%.0f%%", 100*w/b}')"
log "outputs in $out"
