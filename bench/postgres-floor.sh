#!/usr/bin/env bash
# What Postgres alone costs per webhook on this machine (issue 7's ceiling): no JVM on the hot path, no HTTP,
# no load generator but pgbench. Not a benchmark of Switchboard; it bounds what any router storing each body
# in this Postgres can reach here.
#
#   bench/postgres-floor.sh
#
# Starts Switchboard once, idle, for its embedded Postgres and schema (the same settings as the ingress bench:
# fsync on, synchronous_commit on), then runs pgbench (2 clients, as the router has one inbound commit and one
# events commit in flight) with two scripts, each a group of GROUP rows of bench/payload.json per transaction:
#   bodies:          the bodies insert alone, as the acknowledgement commits it;
#   bodies+outcomes: the bodies and their outcome rows in one statement (the least the recovery sweep needs).
# Prints rows/s, the whole machine's busy cores, and Postgres's CPU per row.
# Environment: GROUP=50 CLIENTS=2 MEASURE=20 SB_PORT=18080 PG_PORT=15433 (127.0.0.1 only).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
GROUP=${GROUP:-50} CLIENTS=${CLIENTS:-2} MEASURE=${MEASURE:-20}
SB_PORT=${SB_PORT:-18080} PG_PORT=${PG_PORT:-15433}
WORK=$(mktemp -d /tmp/switchboard-pgfloor.XXXXXX)
JAR="$ROOT/target/switchboard.jar"
SERVER_PID=""

log() { printf '[floor %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

PGBENCH=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -1 || true)
[ -n "$PGBENCH" ] && command -v psql > /dev/null || { log "pgbench and psql are needed: apt-get install postgresql-client"; exit 1; }

for p in "$SB_PORT" "$PG_PORT"; do
  ! ss -ltnH "sport = :$p" | grep -q . || { log "port $p is in use; set SB_PORT/PG_PORT"; exit 1; }
done

log "building $JAR"
(cd "$ROOT" && ./mvnw -q -B package -DskipTests)
cat > "$WORK/floor.yaml" <<EOF
http: { port: $SB_PORT, host: 127.0.0.1 }
sources:
  - { name: meta, kind: meta, verifyToken: floor-verify-token, appSecret: floor-secret }
subscriptions: []
storage:
  url: null
  embedded: { dataDir: $WORK/pg, port: $PG_PORT }
  # The rows pgbench inserts look like acknowledged, unclassified bodies: the recovery sweep must not
  # classify them during the measurement.
  recoveryGrace: 24h
  recoveryInterval: 1h
admin: { apiKeys: ["floor-admin-key"] }
EOF
java -Xmx512m -jar "$JAR" --config "$WORK/floor.yaml" > "$WORK/switchboard.log" 2>&1 &
SERVER_PID=$!
ready=0
for _ in $(seq 1 360); do
  curl -fsS -o /dev/null "http://127.0.0.1:$SB_PORT/health/ready" 2>/dev/null && { ready=1; break; }
  sleep 0.25
done
[ "$ready" = 1 ] || { log "Switchboard did not become ready:"; tail -20 "$WORK/switchboard.log" >&2; exit 1; }
psql="psql -h 127.0.0.1 -p $PG_PORT -U postgres -d postgres -qtA"
$psql -c "CREATE TABLE floor_body AS SELECT pg_read_binary_file('$ROOT/bench/payload.json') AS body"

cat > "$WORK/bodies.sql" <<EOF
INSERT INTO inbound_webhooks (source, received_at, client_ip, status, body)
SELECT 'meta', now(), '127.0.0.1', 'received', b.body FROM floor_body b, generate_series(1, $GROUP);
EOF
cat > "$WORK/bodies+outcomes.sql" <<EOF
WITH w AS (
  INSERT INTO inbound_webhooks (source, received_at, client_ip, status, body)
  SELECT 'meta', now(), '127.0.0.1', 'received', b.body FROM floor_body b, generate_series(1, $GROUP)
  RETURNING id)
INSERT INTO inbound_outcomes (inbound_id, status, event_count, processed_at) SELECT id, 'processed', 1, now() FROM w;
EOF

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
hz=$(getconf CLK_TCK)

echo "machine: $(nproc) cores; postgres: $($psql -c 'SHOW server_version'), fsync=$($psql -c 'SHOW fsync')," \
  "synchronous_commit=$($psql -c 'SHOW synchronous_commit'); pgbench -c $CLIENTS, $GROUP rows per transaction"
for script in bodies bodies+outcomes; do
  log "$script: 10 s warm-up, ${MEASURE} s measured"
  "$PGBENCH" -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -M prepared -c "$CLIENTS" -j 1 -T 10 -f "$WORK/$script.sql" postgres > /dev/null
  # Postgres's backends come and go with pgbench's connections: its CPU is the machine's busy time minus
  # pgbench's own (bash's time) and the idle router's.
  b0=$(busy); j0=$(ticks "$SERVER_PID")
  TIMEFORMAT='%U %S'
  { time "$PGBENCH" -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -M prepared -c "$CLIENTS" -j 1 -T "$MEASURE" \
      -f "$WORK/$script.sql" postgres > "$WORK/$script.out" 2> "$WORK/$script.err"; } 2> "$WORK/$script.time"
  b1=$(busy); j1=$(ticks "$SERVER_PID")
  tps=$(grep -oE 'tps = [0-9.]+' "$WORK/$script.out" | head -1 | awk '{print $3}')
  awk -v s="$script" -v tps="$tps" -v g="$GROUP" -v secs="$MEASURE" -v hz="$hz" -v b=$((b1 - b0)) -v j=$((j1 - j0)) \
    -v client="$(awk '{print $1 + $2}' "$WORK/$script.time")" \
    'BEGIN { rows = tps * g; pg = b / hz - client - j / hz
      printf "%-16s rows/s %7.0f   busy cores %.2f   Postgres CPU per row %5.1f µs   pgbench %4.1f µs   all %5.1f µs\n",
        s, rows, b / hz / secs, pg * 1e6 / (rows * secs), client * 1e6 / (rows * secs), b / hz * 1e6 / (rows * secs) }'
done
