#!/usr/bin/env bash
# Three replicas against one PostgreSQL database and one Redis, with one shared
# sandbox process playing WeChat, the courier company and the government
# libraries, and `zerovisit load` spread over all three. Then two faults:
#   1. kill -9 of one replica in the middle of the load, and a restart;
#   2. Redis stopped for 10 seconds in the middle of the load.
# Each phase must end with the load generator's correctness check clean (every
# story in its expected final state, every side effect once, one clerk per
# claim race); at the end no outbox entry may be dead and `audit verify` must
# pass. Exits non-zero naming the phase that failed.
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and redis-server on
# PATH; it makes its own database and runs its own Redis on a spare port, and
# removes both on exit. Sizes: STORIES (per phase, default 150: the load must
# outlast a 10-second outage), CONCURRENCY (default 6). Ports: ZV_PORT_BASE
# (default 18180). Each fault starts once a fifth of the phase's stories are done.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local

stories=${STORIES:-150}
concurrency=${CONCURRENCY:-6}
base=${ZV_PORT_BASE:-18180}
pg=${PG_URL:-postgres://postgres@127.0.0.1:5432}
work=$(mktemp -d /tmp/zerovisit-replicas.XXXXXX)
db="zerovisit_replicas_$(date +%s)_$$"
redis_port=$((base + 9))
sandbox_port=$((base + 10))
ports=($((base + 1)) $((base + 2)) $((base + 3)))
declare -A pids

log() { printf '[replicas] %s\n' "$*"; }
die() { log "FAILED: $*"; exit 1; }

cleanup() {
  set +e
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1
  wait 2>/dev/null
  psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

bin=${ZEROVISIT_BIN:-}
if [ -z "$bin" ]; then
  bin="$work/zerovisit"
  log "building"
  go build -o "$bin" ./cmd/zerovisit
fi

start_redis() {
  redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
    --pidfile "$work/redis.pid" --logfile "$work/redis.log"
  for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && return; sleep 0.1; done
  die "redis did not start"
}

psql "$pg/postgres" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $db"
start_redis
"$bin" demo --write-catalogue "$work/catalogue.yaml"

export ZEROVISIT_DATABASE_URL="$pg/$db?sslmode=disable"
export ZEROVISIT_REDIS_URL="redis://127.0.0.1:$redis_port/0"
export ZEROVISIT_TOKEN_SECRET; ZEROVISIT_TOKEN_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export ZEROVISIT_PII_KEY; ZEROVISIT_PII_KEY=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
export ZEROVISIT_PII_INDEX_KEY; ZEROVISIT_PII_INDEX_KEY=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export ZEROVISIT_AUDIT_KEY; ZEROVISIT_AUDIT_KEY=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
# With PostgreSQL the sandbox setting has no default: say it.
export ZEROVISIT_PARTY_SANDBOX=true ZEROVISIT_PARTY_SANDBOX_URL="http://127.0.0.1:$sandbox_port"
export ZEROVISIT_CATALOGUE_PATH="$work/catalogue.yaml"
export ZEROVISIT_BLOB_DIR="$work/blobs"
export ZEROVISIT_LOG_LEVEL=warn
export ZEROVISIT_WORKER_OUTBOX_INTERVAL=50ms ZEROVISIT_WORKER_OUTBOX_BASE_DELAY=100ms ZEROVISIT_WORKER_OUTBOX_MAX_DELAY=2s
export ZEROVISIT_WORKER_OUTBOX_MAX_ATTEMPTS=1000 ZEROVISIT_WORKER_OUTBOX_LEASE=5s ZEROVISIT_WORKER_TIMER_INTERVAL=200ms
export ZEROVISIT_COURIER_SWEEP_INTERVAL=200ms ZEROVISIT_COURIER_PICKUP_PROVIDER=sf ZEROVISIT_COURIER_DELIVERY_PROVIDER=sf
export ZEROVISIT_STAFF_PASSWORD_MEMORY_KIB=1024 ZEROVISIT_STAFF_PASSWORD_TIME=1

"$bin" migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log"; die "migrate"; }

callbacks=""
addrs=""
for p in "${ports[@]}"; do callbacks+="http://127.0.0.1:$p,"; done
addrs=${callbacks%,}

"$bin" sandboxes --addr "127.0.0.1:$sandbox_port" --callbacks "$addrs" >"$work/sandboxes.log" 2>&1 &
pids[sandboxes]=$!

start_replica() {
  local i=$1 port=${ports[$1]}
  ZEROVISIT_ADDR="127.0.0.1:$port" ZEROVISIT_CITIZEN_PUBLIC_URL="http://127.0.0.1:$port" \
    ZEROVISIT_COURIER_PUBLIC_URL="http://127.0.0.1:$port" \
    "$bin" serve --no-migrate >>"$work/replica$i.log" 2>&1 &
  pids[replica$i]=$!
}
wait_healthy() {
  local port=$1
  for _ in $(seq 1 150); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return
    sleep 0.2
  done
  die "replica on $port did not become healthy"
}

for i in 0 1 2; do start_replica "$i"; done
for p in "${ports[@]}"; do wait_healthy "$p"; done
log "three replicas on ${ports[*]}, sandboxes on $sandbox_port, database $db, redis :$redis_port"

run_load() { "$bin" load --addr "$addrs" --stories "$stories" --concurrency "$concurrency" >"$work/$1.out" 2>"$work/$1.err"; }
# at_progress waits until the load of a phase has finished pct% of its stories.
at_progress() {
  for _ in $(seq 1 600); do
    grep -q "($2%" "$work/$1.out" 2>/dev/null && return
    sleep 0.1
  done
  die "the load of $1 made no progress"
}
show() { sed -n '/^[0-9]* stories in/p;/^all /p;/^errors/,/^$/p;/correctness check/,$p' "$work/$1.out"; }

log "phase 1: $stories stories over three replicas"
run_load phase1 || { cat "$work/phase1.out" "$work/phase1.err"; die "phase 1 (three replicas)"; }
show phase1

log "phase 2: kill -9 of replica 2 in the middle of the load, then restart"
run_load phase2 &
load=$!
at_progress phase2 20
{ kill -9 "${pids[replica1]}" && wait "${pids[replica1]}"; } 2>/dev/null || true
log "  replica on ${ports[1]} killed"
sleep 2
start_replica 1
wait_healthy "${ports[1]}"
log "  replica on ${ports[1]} restarted"
grep -q "(100%" "$work/phase2.out" && log "  (the load finished before the restart)"
wait "$load" || { cat "$work/phase2.out" "$work/phase2.err"; die "phase 2 (kill -9)"; }
show phase2

log "phase 3: Redis stopped for 10 seconds in the middle of the load"
run_load phase3 &
load=$!
at_progress phase3 20
redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
log "  redis stopped"
for p in "${ports[@]}"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p/readyz" || true)
  log "  /readyz on $p answers $code while redis is down"
done
sleep 10
grep -q "(100%" "$work/phase3.out" && die "the load of phase 3 ended before Redis came back; raise STORIES"
start_redis
log "  redis restarted"
wait "$load" || { cat "$work/phase3.out" "$work/phase3.err"; die "phase 3 (redis outage)"; }
show phase3

log "final checks"
for i in 0 1 2; do
  rss=$(awk '/VmHWM/ {print $2}' "/proc/${pids[replica$i]}/status" 2>/dev/null || echo 0)
  log "  replica on ${ports[$i]}: peak RSS $((rss / 1024)) MB"
done
dead=$(psql "$ZEROVISIT_DATABASE_URL" -tAc "SELECT count(*) FROM outbox WHERE state = 'dead'")
pending=$(psql "$ZEROVISIT_DATABASE_URL" -tAc "SELECT count(*) FROM outbox WHERE state = 'pending'")
cases=$(psql "$ZEROVISIT_DATABASE_URL" -tAc "SELECT count(*) FROM cases WHERE status <> 'draft'")
log "  cases submitted: $cases; outbox: $pending pending, $dead dead"
[ "$dead" = "0" ] || die "dead outbox entries: $dead"
[ "$cases" -ge $((3 * stories)) ] || die "only $cases cases, want at least $((3 * stories))"
"$bin" audit verify >"$work/audit.out" 2>&1 || { cat "$work/audit.out"; die "audit verify"; }
tail -n 1 "$work/audit.out"
log "passed: no lost case, no doubled effect, one clerk per claim, through kill -9 and a Redis outage"
