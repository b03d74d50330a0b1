#!/usr/bin/env bash
# PostgreSQL backup-and-restore drill (数据备份容灾).
#
# Builds a throwaway primary with continuous WAL archiving, fills it with a
# generated history, takes a base backup while a writer keeps committing
# cases, records every case acknowledged at a point T after the backup,
# destroys the primary, restores base backup + archived WAL into a new
# cluster, and checks that every acknowledged case came back and that the
# audit hash chains are intact. Exit 0 only if all of that holds.
#
# Everything lives in one temporary folder and two private clusters on
# their own ports and sockets; a PostgreSQL already running on the machine
# is never touched. Both clusters are stopped and the folder removed on
# exit, also on failure.
#
# Settings (environment):
#   ZEROVISIT_BIN        the zerovisit binary (default: go build from this checkout)
#   DRILL_CASES          cases in the first history (default 3000)
#   DRILL_WRITER_BATCH   cases per seed run of the background writer (default 150)
#   DRILL_PRIMARY_PORT   port of the primary (default 25432)
#   DRILL_RESTORED_PORT  port of the restored cluster (default 25433)
#
# The default ports sit below Linux's ephemeral range (32768-60999): a port in
# that range can be held by an outgoing connection's local end (a test suite's
# connection pool, say), and then PostgreSQL cannot bind it even though nothing
# listens there.
#   PG_BIN               PostgreSQL's bin folder (default: newest /usr/lib/postgresql/*/bin)
#   DRILL_KEEP=1         keep the temporary folder (logs, archive) for inspection
#
# Run as root (the clusters run as the postgres OS user, via runuser) or as
# an ordinary user (the clusters run as that user).
set -euo pipefail

CASES=${DRILL_CASES:-3000}
BATCH=${DRILL_WRITER_BATCH:-150}
PRIMARY_PORT=${DRILL_PRIMARY_PORT:-25432}
RESTORED_PORT=${DRILL_RESTORED_PORT:-25433}
KEEP=${DRILL_KEEP:-0}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

STARTED=$SECONDS
export LC_ALL=C # one sort order for sort and comm
log() { printf '[drill] %s %s\n' "$(date +%H:%M:%S)" "$*"; }
die() {
	log "FAIL: $*"
	exit 1
}
# show_log prints the tail of one of the drill's log files, for a failure.
show_log() {
	local f=$WORK/logs/$1
	[[ -s $f ]] || return 0
	log "last lines of $1:"
	tail -n "${2:-15}" "$f" | sed 's/^/[drill]   | /'
}

if [[ -z ${PG_BIN:-} ]]; then
	PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
	[[ -n $PG_BIN ]] || PG_BIN=$(pg_config --bindir 2>/dev/null || true)
fi
for tool in initdb pg_ctl postgres psql pg_basebackup pg_verifybackup; do
	[[ -x $PG_BIN/$tool ]] || die "$tool not found in '$PG_BIN' (set PG_BIN)"
done

# The clusters refuse to run as root: as root they run as the postgres OS user.
if [[ $EUID -eq 0 ]]; then
	id postgres >/dev/null 2>&1 || die "running as root needs a 'postgres' OS user"
	as_pg() { runuser -u postgres -- "$@"; }
	PG_OWNER=postgres
else
	as_pg() { "$@"; }
	PG_OWNER=$(id -un)
fi

# port_in_use PORT: something listens there, or (where ss exists) a socket of
# any state holds it as its local port.
port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
	command -v ss >/dev/null && [[ -n $(ss -Htan "( sport = :$1 )") ]]
}
[[ $PRIMARY_PORT != "$RESTORED_PORT" ]] || die "the primary and restored ports must differ"
for p in "$PRIMARY_PORT" "$RESTORED_PORT"; do
	port_in_use "$p" && die "port $p is in use; pick free ones with DRILL_PRIMARY_PORT / DRILL_RESTORED_PORT"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/zerovisit-drill.XXXXXX")
PRIMARY=$WORK/primary
RESTORED=$WORK/restored
BASE=$WORK/base
ARCHIVE=$WORK/archive
SOCK=$WORK/sock
WRITER_STOP=$WORK/writer.stop
WRITER_PID=
mkdir -p "$PRIMARY" "$BASE" "$ARCHIVE" "$SOCK" "$WORK/logs"
chmod 755 "$WORK"
chmod 700 "$PRIMARY" "$BASE"
chown "$PG_OWNER" "$PRIMARY" "$BASE" "$ARCHIVE" "$SOCK" "$WORK/logs"

stop_cluster() {
	[[ -f $1/postmaster.pid ]] || return 0
	as_pg "$PG_BIN/pg_ctl" -D "$1" -m immediate -w stop >/dev/null 2>&1 || true
}
cleanup() {
	local rc=$?
	set +e
	if [[ -n $WRITER_PID ]]; then
		touch "$WRITER_STOP"
	fi
	stop_cluster "$PRIMARY"
	stop_cluster "$RESTORED"
	if [[ -n $WRITER_PID ]]; then
		# With the clusters gone a running seed fails at once and the loop ends.
		for _ in $(seq 50); do kill -0 "$WRITER_PID" 2>/dev/null || break; sleep 0.2; done
		kill "$WRITER_PID" 2>/dev/null
		wait "$WRITER_PID" 2>/dev/null
	fi
	if [[ $KEEP == 1 ]]; then
		log "kept $WORK"
	else
		rm -rf "$WORK"
	fi
	if [[ $rc -ne 0 ]]; then
		log "drill FAILED after $((SECONDS - STARTED))s"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

BIN=${ZEROVISIT_BIN:-}
if [[ -z $BIN ]]; then
	log "building zerovisit"
	(cd "$REPO" && go build -o "$WORK/zerovisit" ./cmd/zerovisit) || die "go build failed"
	BIN=$WORK/zerovisit
fi
[[ -x $BIN ]] || die "ZEROVISIT_BIN '$BIN' is not executable"
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

hex() { od -An -tx1 -N "$1" /dev/urandom | tr -d ' \n'; }
TOKEN_SECRET=$(hex 32)
PII_KEY=$(hex 16)
PII_INDEX_KEY=$(hex 32)
AUDIT_KEY=$(hex 32)
PRIMARY_URL="postgres://$PG_OWNER@127.0.0.1:$PRIMARY_PORT/zerovisit?sslmode=disable"
RESTORED_URL="postgres://$PG_OWNER@127.0.0.1:$RESTORED_PORT/zerovisit?sslmode=disable"

# zv URL ARGS... runs the binary against one cluster, from the work folder.
zv() {
	local url=$1
	shift
	(cd "$WORK" && env ZEROVISIT_DATABASE_URL="$url" ZEROVISIT_TOKEN_SECRET="$TOKEN_SECRET" \
		ZEROVISIT_PII_KEY="$PII_KEY" ZEROVISIT_PII_INDEX_KEY="$PII_INDEX_KEY" ZEROVISIT_AUDIT_KEY="$AUDIT_KEY" \
		ZEROVISIT_LOG_LEVEL=warn "$BIN" "$@")
}
# sql PORT DB QUERY prints the query's rows, unaligned, over the private socket.
sql() { as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -p "$1" -d "$2" -Atc "$3"; }
count_cases() { sql "$1" zerovisit "SELECT count(*) FROM cases"; }
# check_cluster PORT DIR makes sure the TCP port the binary is given answers
# from the drill's own cluster.
check_cluster() {
	local dir
	dir=$(as_pg "$PG_BIN/psql" -X -h 127.0.0.1 -p "$1" -U "$PG_OWNER" -d postgres -Atc "SHOW data_directory")
	[[ $dir == "$2" ]] || die "port $1 is served from $dir, not the drill's $2"
}

# --- a. primary with continuous WAL archiving --------------------------------
log "work folder $WORK; PostgreSQL $("$PG_BIN/postgres" --version | sed -E 's/^[^0-9]*([0-9.]+).*/\1/') from $PG_BIN"
log "a. initdb primary on port $PRIMARY_PORT, archiving WAL to $ARCHIVE"
as_pg "$PG_BIN/initdb" -D "$PRIMARY" -U "$PG_OWNER" --auth=trust --no-locale -E UTF8 --data-checksums \
	>"$WORK/logs/initdb.log" 2>&1 || { show_log initdb.log; die "initdb failed"; }
cat >>"$PRIMARY/postgresql.conf" <<EOF

# restore drill
listen_addresses = '127.0.0.1'
port = $PRIMARY_PORT
unix_socket_directories = '$SOCK'
wal_level = replica
archive_mode = on
archive_command = 'test ! -f $ARCHIVE/%f && cp %p $ARCHIVE/%f'
max_wal_senders = 4
EOF
as_pg "$PG_BIN/pg_ctl" -D "$PRIMARY" -l "$WORK/logs/primary.log" -w -t 60 start >/dev/null ||
	{ show_log primary.log; die "the primary did not start"; }
check_cluster "$PRIMARY_PORT" "$PRIMARY"
sql "$PRIMARY_PORT" postgres "CREATE DATABASE zerovisit"

# --- b. schema and a first history ---------------------------------------------
log "b. migrate, then seed $CASES cases"
zv "$PRIMARY_URL" migrate >"$WORK/logs/migrate.log" 2>&1 || { show_log migrate.log; die "migrate failed"; }
zv "$PRIMARY_URL" seed --cases "$CASES" --seed 1 >"$WORK/logs/seed.log" 2>&1 || { show_log seed.log; die "seed failed"; }
log "   $(tr '\r' '\n' <"$WORK/logs/seed.log" | grep -m 1 '^seeded' || true)"
SEEDED=$(count_cases "$PRIMARY_PORT")

# --- c. base backup under load ------------------------------------------------
log "c. starting a background writer (seed --append, $BATCH cases a run)"
(
	run=0
	while [[ ! -e $WRITER_STOP ]]; do
		run=$((run + 1))
		echo "--- run $run" >>"$WORK/logs/writer.log"
		zv "$PRIMARY_URL" seed --cases "$BATCH" --months 1 --seed $((1000 + run)) --append \
			>>"$WORK/logs/writer.log" 2>&1 || { echo "--- run $run failed" >>"$WORK/logs/writer.log"; exit 1; }
	done
) &
WRITER_PID=$!

# wait_for_cases PORT N SECONDS waits until the cases table holds more than N rows.
wait_for_cases() {
	local deadline=$((SECONDS + $3)) n
	while :; do
		n=$(count_cases "$1")
		((n > $2)) && return 0
		kill -0 "$WRITER_PID" 2>/dev/null || { show_log writer.log; die "the writer stopped"; }
		((SECONDS < deadline)) || die "no case committed for $3s (still $n)"
		sleep 0.2
	done
}
wait_for_cases "$PRIMARY_PORT" "$SEEDED" 30
BEFORE_BACKUP=$(count_cases "$PRIMARY_PORT")
log "   writer is committing ($BEFORE_BACKUP cases); pg_basebackup -X stream -c fast"
t0=$SECONDS
as_pg "$PG_BIN/pg_basebackup" -h "$SOCK" -p "$PRIMARY_PORT" -U "$PG_OWNER" -D "$BASE" -X stream -c fast \
	-l "zerovisit restore drill" >"$WORK/logs/basebackup.log" 2>&1 ||
	{ show_log basebackup.log; die "pg_basebackup failed"; }
AFTER_BACKUP=$(count_cases "$PRIMARY_PORT")
BACKUP_SECS=$((SECONDS - t0))
kill -0 "$WRITER_PID" 2>/dev/null || { show_log writer.log; die "the writer stopped during the backup"; }
log "   base backup done in ${BACKUP_SECS}s: $((AFTER_BACKUP - BEFORE_BACKUP)) cases committed while it ran ($AFTER_BACKUP now)"
if ((AFTER_BACKUP == BEFORE_BACKUP)); then
	log "   note: no case committed while the backup ran; it was faster than one writer transaction"
fi
as_pg "$PG_BIN/pg_verifybackup" "$BASE" >"$WORK/logs/verifybackup.log" 2>&1 ||
	{ show_log verifybackup.log; die "pg_verifybackup rejects the base backup"; }
log "   pg_verifybackup: $(tail -n 1 "$WORK/logs/verifybackup.log")"

# Let the writer go on past the backup, into a WAL segment after the one the
# backup ends in, so some acknowledged cases exist only in archived WAL.
BACKUP_END=$(grep -o '"End-LSN": *"[0-9A-F/]*"' "$BASE/backup_manifest" | tail -n 1 | grep -o '[0-9A-F]*/[0-9A-F]*')
[[ -n $BACKUP_END ]] || die "no End-LSN in the backup manifest"
deadline=$((SECONDS + 60))
until [[ $(sql "$PRIMARY_PORT" postgres "SELECT pg_walfile_name(pg_current_wal_lsn()) > pg_walfile_name('$BACKUP_END')") == t ]]; do
	kill -0 "$WRITER_PID" 2>/dev/null || { show_log writer.log; die "the writer stopped"; }
	((SECONDS < deadline)) || die "the WAL did not move past the backup's last segment in 60s"
	sleep 0.2
done
wait_for_cases "$PRIMARY_PORT" $((AFTER_BACKUP + BATCH)) 60

# --- d. point T: what was acknowledged, and its WAL archived -------------------
touch "$WRITER_STOP"
wait "$WRITER_PID" || { WRITER_PID=; show_log writer.log; die "the writer failed"; }
WRITER_PID=
WRITER_RUNS=$(grep -c '^--- run' "$WORK/logs/writer.log")
sql "$PRIMARY_PORT" zerovisit "SELECT id || ' ' || number FROM cases" | sort >"$WORK/acknowledged.txt"
ACKED=$(wc -l <"$WORK/acknowledged.txt")
SEGMENT=$(sql "$PRIMARY_PORT" postgres "SELECT pg_walfile_name(pg_switch_wal())")
log "d. T: writer stopped after $WRITER_RUNS runs; $ACKED cases acknowledged; WAL switched, waiting for $SEGMENT to be archived"
deadline=$((SECONDS + 60))
until [[ -f $ARCHIVE/$SEGMENT ]] && ! compgen -G "$PRIMARY/pg_wal/archive_status/*.ready" >/dev/null; do
	((SECONDS < deadline)) || {
		show_log primary.log
		die "WAL up to $SEGMENT not archived after 60s ($(sql "$PRIMARY_PORT" postgres "SELECT failed_count || ' failures, last ' || coalesce(last_failed_wal, '-') FROM pg_stat_archiver"))"
	}
	sleep 0.2
done
log "   archived: $(sql "$PRIMARY_PORT" postgres "SELECT archived_count || ' files, last ' || last_archived_wal || ', ' || failed_count || ' failures' FROM pg_stat_archiver")"

# --- e. disaster -----------------------------------------------------------------
log "e. disaster: pg_ctl stop -m immediate, primary data folder deleted"
as_pg "$PG_BIN/pg_ctl" -D "$PRIMARY" -m immediate -w stop >/dev/null
rm -rf "$PRIMARY"

# --- f. restore: base backup + archived WAL ------------------------------------
log "f. restoring the base backup on port $RESTORED_PORT, replaying WAL from the archive"
t0=$SECONDS
cp -a "$BASE" "$RESTORED"
chmod 700 "$RESTORED"
cat >>"$RESTORED/postgresql.conf" <<EOF

# restore
port = $RESTORED_PORT
archive_mode = off
restore_command = 'cp $ARCHIVE/%f %p'
recovery_target_action = 'promote'
EOF
as_pg touch "$RESTORED/recovery.signal"
as_pg "$PG_BIN/pg_ctl" -D "$RESTORED" -l "$WORK/logs/restored.log" -w -t 120 start >/dev/null ||
	{ show_log restored.log 25; die "the restored cluster did not start"; }
check_cluster "$RESTORED_PORT" "$RESTORED"
deadline=$((SECONDS + 120))
until [[ $(sql "$RESTORED_PORT" postgres "SELECT pg_is_in_recovery()") == f ]]; do
	((SECONDS < deadline)) || { show_log restored.log 25; die "still in recovery after 120s"; }
	sleep 0.2
done
RESTORE_SECS=$((SECONDS - t0))
REPLAYED=$(grep -o 'restored log file "[0-9A-F]*" from archive' "$WORK/logs/restored.log" | sort -u | wc -l)
log "   promoted in ${RESTORE_SECS}s: $REPLAYED WAL segments replayed from the archive; $(grep -oE 'redo done at [0-9A-F/]+' "$WORK/logs/restored.log" || true)"

# --- g. checks ---------------------------------------------------------------------
sql "$RESTORED_PORT" zerovisit "SELECT id || ' ' || number FROM cases" | sort >"$WORK/restored.txt"
RESTORED_N=$(wc -l <"$WORK/restored.txt")
MISSING=$(comm -23 "$WORK/acknowledged.txt" "$WORK/restored.txt" | wc -l)
EXTRA=$(comm -13 "$WORK/acknowledged.txt" "$WORK/restored.txt" | wc -l)
if ((MISSING > 0)); then
	log "g. $MISSING of $ACKED acknowledged cases are MISSING from the restored database, e.g.:"
	comm -23 "$WORK/acknowledged.txt" "$WORK/restored.txt" | sed -n '1,5s/^/[drill]   missing /p'
	die "$MISSING acknowledged cases lost"
fi
((EXTRA == 0)) || die "the restored database holds $EXTRA cases that were never acknowledged at T"
log "g. all $ACKED acknowledged cases restored; zerovisit audit verify on the restored database"
zv "$RESTORED_URL" audit verify --quiet >"$WORK/logs/audit.log" 2>&1 || { show_log audit.log; die "audit verify failed on the restored database"; }
log "   $(tail -n 1 "$WORK/logs/audit.log")"

# --- h. summary ----------------------------------------------------------------------
log "h. PASSED in $((SECONDS - STARTED))s"
log "   first history                $SEEDED cases"
log "   cases before the backup      $BEFORE_BACKUP (writer running; $((AFTER_BACKUP - BEFORE_BACKUP)) more committed during the ${BACKUP_SECS}s backup)"
log "   cases acknowledged at T      $ACKED ($((ACKED - AFTER_BACKUP)) committed after the backup finished: only the archived WAL has them)"
log "   cases restored               $RESTORED_N (0 missing), audit trail intact"
log "   restore + WAL replay         ${RESTORE_SECS}s ($REPLAYED archived segments, backup ended at $BACKUP_END)"
