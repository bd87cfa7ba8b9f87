#!/usr/bin/env bash
# Ingress benchmark (issue 7): Switchboard vs a bare Vert.x 5 server, same machine, same run, same load.
#
#   bench/ingress.sh
#
# Builds the jar, then for each server in turn (bare, bare-durable = bare + one group-committed INSERT into the
# Postgres Switchboard started, Switchboard ack: durable, bare-durable again, Switchboard ack: immediate):
#   1. saturation: wrk, WARMUP s discarded, then MEASURE s measured (THREADS threads, CONNECTIONS connections),
#   2. fixed rate: RATE requests/s open loop (bench/load/FixedRateLoad.java, latency from the intended send
#      time), FIXED_WARMUP s discarded, then MEASURE s measured.
# The saturation warm-up is long on purpose: on a busy 2-core machine C2 is still compiling Switchboard's
# hot path 40 s into the load (measured per thread), and a short warm-up measures the JIT, not the server.
# Every request is the same realistic Meta webhook, signed with the source's app secret. Afterwards it counts
# the rows in inbound_webhooks of the durable run against the 200s the load generators saw.
# Environment: WARMUP=60 FIXED_WARMUP=10 MEASURE=20 THREADS=2 CONNECTIONS=64 RATE=5000 FIXED_CONNECTIONS=64
#   DISTINCT=1 gives every request its own message id, signed per request (by wrk through libcrypto, by
#   FixedRateLoad in Java): Switchboard then stores a new event per webhook, as with real traffic, and the
#   load generators spend a few µs more per request, on the same cores. Default 0: one body, so after the
#   first request the events insert is an ON CONFLICT skip (cheaper for Postgres than real traffic).
#   PROFILE=1 records JFR of the durable saturation run into target/bench-durable.jfr; KEEP=1 keeps the work dir.
# Ports (127.0.0.1 only): SB_PORT=18080 BARE_PORT=18081 PG_PORT=15433.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WARMUP=${WARMUP:-60} FIXED_WARMUP=${FIXED_WARMUP:-10} MEASURE=${MEASURE:-20} THREADS=${THREADS:-2} CONNECTIONS=${CONNECTIONS:-64}
RATE=${RATE:-5000} FIXED_CONNECTIONS=${FIXED_CONNECTIONS:-64} DISTINCT=${DISTINCT:-0}
SB_PORT=${SB_PORT:-18080} BARE_PORT=${BARE_PORT:-18081} PG_PORT=${PG_PORT:-15433}
SECRET=bench-app-secret
WORK=$(mktemp -d /tmp/switchboard-bench.XXXXXX)
JAR="$ROOT/target/switchboard.jar"
SERVER_PID="" MONITOR_PID="" JSTAT_PID=""

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Stops only what this script started: the current server (SIGTERM lets Switchboard stop its embedded
# Postgres), the monitors, and any postgres still running on one of this run's data directories.
stop_server() {
  [ -n "$MONITOR_PID" ] && kill "$MONITOR_PID" 2>/dev/null || true
  [ -n "$JSTAT_PID" ] && kill "$JSTAT_PID" 2>/dev/null || true
  MONITOR_PID="" JSTAT_PID=""
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
  for pidfile in "$WORK"/pg-*/postmaster.pid; do
    [ -f "$pidfile" ] || continue
    pgpid=$(head -1 "$pidfile")
    if [ -n "$pgpid" ] && tr '\0' ' ' < "/proc/$pgpid/cmdline" 2>/dev/null | grep -q "$WORK"; then
      log "stopping leftover postgres pid=$pgpid"
      kill -INT "$pgpid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pgpid" 2>/dev/null || break; sleep 0.5; done
      kill -KILL "$pgpid" 2>/dev/null || true
    fi
  done
}
cleanup() {
  stop_server
  if [ "${KEEP:-0}" = 1 ]; then log "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! ss -ltnH "sport = :$1" | grep -q .; }
for p in "$SB_PORT" "$BARE_PORT" "$PG_PORT"; do
  port_free "$p" || { log "port $p is in use; set SB_PORT/BARE_PORT/PG_PORT"; exit 1; }
done

command -v wrk >/dev/null || { log "installing wrk"; apt-get install -y -q wrk >/dev/null; }

log "building $JAR and the bench classes"
(cd "$ROOT" && ./mvnw -q -B package -DskipTests)
javac -d "$WORK/classes" -cp "$JAR" "$ROOT/bench/bare/BareServer.java" "$ROOT/bench/bare/BareDurableServer.java" \
  "$ROOT/bench/load/FixedRateLoad.java"
CP="$JAR:$WORK/classes"

# A realistic body: a Meta text message envelope; signed the way Meta signs it (HMAC-SHA256 of the raw bytes).
BODY="$ROOT/bench/payload.json"
SIGNATURE="sha256=$(openssl dgst -sha256 -hmac "$SECRET" -r < "$BODY" | cut -d' ' -f1)"
export BENCH_BODY_FILE="$BODY" BENCH_SIGNATURE="$SIGNATURE" BENCH_SECRET="$SECRET" BENCH_DISTINCT="$DISTINCT"

wait_http() { # url seconds
  for _ in $(seq 1 $(($2 * 4))); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.25; done
  log "no answer from $1 after $2 s"; return 1
}

# Peak memory: the JVM's VmHWM, the heap's peak use (jstat, sampled every 500 ms), and for Switchboard the
# embedded Postgres' proportional set size (Pss, so shared buffers are not counted once per backend).
start_monitors() { # name pid
  local name=$1 pid=$2
  ( trap - EXIT INT TERM # a monitor that is stopped must not run the script's cleanup
    peak=0
    while kill -0 "$pid" 2>/dev/null; do
      total=0
      for pidfile in "$WORK"/pg-*/postmaster.pid; do
        [ -f "$pidfile" ] || continue
        pg=$(head -1 "$pidfile")
        for p in "$pg" $(pgrep -P "$pg" 2>/dev/null); do
          kb=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
          total=$((total + ${kb:-0}))
        done
      done
      [ "$total" -gt "$peak" ] && peak=$total && echo "$peak" > "$WORK/$name.pgpss"
      grep VmHWM "/proc/$pid/status" 2>/dev/null | awk '{print $2}' > "$WORK/$name.hwm.tmp" \
        && mv "$WORK/$name.hwm.tmp" "$WORK/$name.hwm"
      sleep 0.5
    done ) &
  MONITOR_PID=$!
  ( trap - EXIT INT TERM; exec jstat -gc "$pid" 500 > "$WORK/$name.jstat" 2>/dev/null ) &
  JSTAT_PID=$!
}

declare -A R # results: R[name.key]=value

# CPU time (user + system, in clock ticks) of the given processes (the JVM; or every embedded Postgres
# process, listed before and after a phase: a backend that starts or ends inside it is counted in part).
cpu_ticks() { # pid...
  local t=0 p s
  for p in "$@"; do
    s=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)
    t=$((t + s))
  done
  echo "$t"
}
postgres_pids() {
  local pidfile pg
  for pidfile in "$WORK"/pg-*/postmaster.pid; do
    [ -f "$pidfile" ] || continue
    pg=$(head -1 "$pidfile"); echo "$pg" $(pgrep -P "$pg" 2>/dev/null)
  done
}

run_wrk() { # name port phase seconds
  local out="$WORK/$1.wrk-$3.txt"
  local jvm0 pg0 jvm1 pg1
  jvm0=$(cpu_ticks "$SERVER_PID"); pg0=$(cpu_ticks $(postgres_pids))
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$4"s --timeout 10s --latency -s "$ROOT/bench/load/post.lua" \
    "http://127.0.0.1:$2/webhooks/meta" > "$out"
  jvm1=$(cpu_ticks "$SERVER_PID"); pg1=$(cpu_ticks $(postgres_pids))
  local line; line=$(grep '^BENCH' "$out")
  for kv in ${line#BENCH }; do R[$1.$3.${kv%%=*}]=${kv#*=}; done
  # CPU per request in microseconds (the server JVM; the embedded Postgres, all its processes).
  local hz; hz=$(getconf CLK_TCK)
  R[$1.$3.jvm_us]=$(awk -v t=$((jvm1 - jvm0)) -v n="${R[$1.$3.requests]}" -v hz="$hz" 'BEGIN {printf "%.0f", t * 1e6 / hz / n}')
  R[$1.$3.pg_us]=$(awk -v t=$((pg1 - pg0)) -v n="${R[$1.$3.requests]}" -v hz="$hz" 'BEGIN {printf "%.0f", t * 1e6 / hz / n}')
}

run_fixed() { # name port
  local out="$WORK/$1.fixed.txt"
  java -Xmx256m -cp "$CP" FixedRateLoad "http://127.0.0.1:$2/webhooks/meta" "$RATE" "$FIXED_WARMUP" "$MEASURE" \
    "$FIXED_CONNECTIONS" "$BODY" "$SIGNATURE" > "$out"
  local line; line=$(grep '^BENCH' "$out")
  for kv in ${line#BENCH }; do R[$1.fixed.${kv%%=*}]=${kv#*=}; done
}

measure() { # name port
  log "$1: saturation warm-up ${WARMUP}s"; run_wrk "$1" "$2" warmup "$WARMUP"
  log "$1: saturation ${MEASURE}s (${THREADS} threads, ${CONNECTIONS} connections)"
  run_wrk "$1" "$2" sat "$MEASURE"
  log "$1: fixed rate ${RATE}/s, ${FIXED_WARMUP}s warm-up + ${MEASURE}s"; run_fixed "$1" "$2"
  R[$1.hwm_mb]=$(( $(cat "$WORK/$1.hwm" 2>/dev/null || echo 0) / 1024 ))
  R[$1.pg_mb]=$(( $(cat "$WORK/$1.pgpss" 2>/dev/null || echo 0) / 1024 ))
  R[$1.heap_mb]=$(awk 'NR==1 {for (i=1;i<=NF;i++) c[$i]=i; next}
    {u=$c["S0U"]+$c["S1U"]+$c["EU"]+$c["OU"]; if (u>m) m=u} END {printf "%d", m/1024}' "$WORK/$1.jstat")
}

# --- bare Vert.x ----------------------------------------------------------------------------------------
log "bare: starting on 127.0.0.1:$BARE_PORT"
java -Xmx512m -cp "$CP" BareServer "$BARE_PORT" > "$WORK/bare.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 40); do grep -q 'bare server ready' "$WORK/bare.log" && break; sleep 0.25; done
start_monitors bare "$SERVER_PID"
measure bare "$BARE_PORT"
stop_server

# --- Switchboard ----------------------------------------------------------------------------------------
start_switchboard() { # name ack
  cat > "$WORK/$1.yaml" <<EOF
http: { port: $SB_PORT, host: 127.0.0.1 }
ingress: { ack: $2 }
sources:
  - { name: meta, kind: meta, verifyToken: bench-verify-token, appSecret: $SECRET }
subscriptions: []
storage:
  url: null
  embedded: { dataDir: $WORK/pg-$1, port: $PG_PORT }
admin: { apiKeys: ["bench-admin-key"] }
EOF
  local jfr=()
  [ "${PROFILE:-0}" = 1 ] && [ "$1" = durable ] && jfr=(-XX:StartFlightRecording=delay=${WARMUP}s,duration=${MEASURE}s,settings=profile,filename=$ROOT/target/bench-durable.jfr)
  log "$1: starting Switchboard (ack: $2, -Xmx512m) on 127.0.0.1:$SB_PORT, postgres on $PG_PORT"
  java -Xmx512m "${jfr[@]}" -jar "$JAR" --config "$WORK/$1.yaml" > "$WORK/$1.log" 2>&1 &
  SERVER_PID=$!
  wait_http "http://127.0.0.1:$SB_PORT/health/ready" 90 || { tail -20 "$WORK/$1.log"; exit 1; }
  R[$1.fsync]=$(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc 'SHOW fsync')
  R[$1.sync]=$(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc 'SHOW synchronous_commit')
}

# Rows in inbound_webhooks against the 200s the load generators saw (a 200 is an acknowledgement), and the
# bodies still waiting to be classified once the load stops (the pipeline behind the acknowledgement).
count_rows() { # name
  local q="psql -h 127.0.0.1 -p $PG_PORT -U postgres -d postgres -tAc"
  sleep 1
  R[$1.rows]=$($q 'SELECT count(*) FROM inbound_webhooks')
  R[$1.oks]=$(( R[$1.warmup.requests] - R[$1.warmup.non2xx] + R[$1.sat.requests] - R[$1.sat.non2xx] + R[$1.fixed.ok200] ))
  for _ in $(seq 1 60); do
    R[$1.unclassified]=$($q "SELECT count(*) FROM inbound_webhooks i WHERE status = 'received'
      AND NOT EXISTS (SELECT 1 FROM inbound_outcomes o WHERE o.inbound_id = i.id)")
    [ "${R[$1.unclassified]}" = 0 ] && break; sleep 1
  done
  R[$1.lost_lines]=$(grep -c 'LOST webhook' "$WORK/$1.log" || true)
  R[$1.events]=$($q 'SELECT count(*) FROM events')
}

# Each durable server starts on a clean Postgres: the pages the previous one dirtied are written first, so it
# does not pay for them.
checkpoint() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qc CHECKPOINT; }

# The durable floor, on the Postgres this Switchboard started (same server, same settings, its own table), while
# Switchboard sits idle beside it. It runs before and after Switchboard's durable run: this machine has slow and
# fast stretches, and a floor measured on one side only moves the ratio with them.
run_bare_durable() { # name
  local sb_pid=$SERVER_PID rows_before
  rows_before=0
  if [ "$(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc "SELECT to_regclass('bare_webhooks') IS NOT NULL")" = t ]; then
    rows_before=$(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc 'SELECT count(*) FROM bare_webhooks')
  fi
  log "$1: starting on 127.0.0.1:$BARE_PORT, postgres on $PG_PORT"
  java -Xmx512m -cp "$CP" BareDurableServer "$BARE_PORT" "$PG_PORT" > "$WORK/$1.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 40); do grep -q 'bare-durable server ready' "$WORK/$1.log" && break; sleep 0.25; done
  start_monitors "$1" "$SERVER_PID"
  checkpoint
  measure "$1" "$BARE_PORT"
  kill "$MONITOR_PID" "$JSTAT_PID" 2>/dev/null || true
  kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  R[$1.rows]=$(( $(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc 'SELECT count(*) FROM bare_webhooks') - rows_before ))
  R[$1.oks]=$(( R[$1.warmup.requests] - R[$1.warmup.non2xx] + R[$1.sat.requests] - R[$1.sat.non2xx] + R[$1.fixed.ok200] ))
  SERVER_PID=$sb_pid
}

start_switchboard durable durable
run_bare_durable bare-durable
start_monitors durable "$SERVER_PID"
checkpoint
measure durable "$SB_PORT"
count_rows durable
kill "$MONITOR_PID" "$JSTAT_PID" 2>/dev/null || true
run_bare_durable bare-durable-after
stop_server

start_switchboard immediate immediate
start_monitors immediate "$SERVER_PID"
measure immediate "$SB_PORT"
count_rows immediate
stop_server

# --- report ---------------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f%%", 100 * a / b}'; }
echo
echo "machine: $(nproc) cores, $(free -h | awk '/^Mem:/ {print $2}') RAM, $(java -version 2>&1 | head -1)"
echo "load: wrk -t$THREADS -c$CONNECTIONS, ${WARMUP}s warm-up + ${MEASURE}s; fixed rate $RATE/s over $FIXED_CONNECTIONS connections, ${FIXED_WARMUP}s warm-up + ${MEASURE}s"
echo "bodies: $([ "$DISTINCT" = 1 ] && echo "a new message id per request, signed per request (DISTINCT=1)" || echo "one body for every request (DISTINCT=0)")"
echo "postgres (durable run): fsync=${R[durable.fsync]} synchronous_commit=${R[durable.sync]}"
echo
printf '| %-20s | %9s | %6s | %8s | %8s | %9s | %11s | %11s | %12s | %7s | %8s | %9s |\n' \
  server 'req/s' ratio 'p50 ms' 'p99 ms' 'p99.9 ms' "@$RATE p50" "@$RATE p99" "@$RATE p99.9" \
  'RSS MB' 'heap MB' 'pg Pss MB'
printf '|%s|\n' "----------------------|-----------|--------|----------|----------|-----------|-------------|-------------|--------------|---------|----------|-----------"
for s in bare bare-durable durable bare-durable-after immediate; do
  printf '| %-20s | %9s | %6s | %8s | %8s | %9s | %11s | %11s | %12s | %7s | %8s | %9s |\n' \
    "$(case $s in bare) echo 'bare Vert.x';; bare-durable) echo 'bare-durable';; bare-durable-after) echo 'bare-durable, after';;
      *) echo "switchboard $s";; esac)" \
    "${R[$s.sat.rps]}" "$(ratio "${R[$s.sat.rps]}" "${R[bare.sat.rps]}")" "${R[$s.sat.p50_ms]}" "${R[$s.sat.p99_ms]}" \
    "${R[$s.sat.p999_ms]}" "${R[$s.fixed.p50_ms]}" "${R[$s.fixed.p99_ms]}" "${R[$s.fixed.p999_ms]}" \
    "${R[$s.hwm_mb]}" "${R[$s.heap_mb]}" "$([ $s = bare ] && echo - || echo "${R[$s.pg_mb]}")"
done
echo
floor_mean=$(( (R[bare-durable.sat.rps] + R[bare-durable-after.sat.rps]) / 2 ))
echo "durable floor: switchboard durable / bare-durable = $(ratio "${R[durable.sat.rps]}" "$floor_mean") at saturation" \
  "against the mean of the floor before and after ($floor_mean req/s); against the one before" \
  "$(ratio "${R[durable.sat.rps]}" "${R[bare-durable.sat.rps]}"), after $(ratio "${R[durable.sat.rps]}" "${R[bare-durable-after.sat.rps]}");" \
  "at $RATE/s p99 ${R[durable.fixed.p99_ms]} ms vs ${R[bare-durable.fixed.p99_ms]} ms (before) and ${R[bare-durable-after.fixed.p99_ms]} ms (after)"
for s in bare-durable bare-durable-after; do
  echo "$s: 200s=${R[$s.oks]}, rows=${R[$s.rows]} ($([ "${R[$s.rows]}" -ge "${R[$s.oks]}" ] && echo OK || echo "FAIL: rows missing"))"
done
echo
echo "CPU per request at saturation (µs): bare JVM ${R[bare.sat.jvm_us]};" \
  "bare-durable JVM ${R[bare-durable.sat.jvm_us]} + Postgres ${R[bare-durable.sat.pg_us]}" \
  "(after: ${R[bare-durable-after.sat.jvm_us]} + ${R[bare-durable-after.sat.pg_us]});" \
  "durable JVM ${R[durable.sat.jvm_us]} + Postgres ${R[durable.sat.pg_us]};" \
  "immediate JVM ${R[immediate.sat.jvm_us]} + Postgres ${R[immediate.sat.pg_us]}"
for s in bare bare-durable durable bare-durable-after immediate; do
  echo "$s: saturation non-2xx=${R[$s.sat.non2xx]} socket errors=${R[$s.sat.sockerr]};" \
    "fixed rate ok=${R[$s.fixed.ok200]} non-200=${R[$s.fixed.non200]} errors=${R[$s.fixed.errors]} complete=${R[$s.fixed.complete]}"
done
for s in durable immediate; do
  rows=${R[$s.rows]} oks=${R[$s.oks]}
  echo "$s: 200s seen by the load generators=$oks, rows in inbound_webhooks=$rows" \
    "($([ "$rows" -ge "$oks" ] && echo "OK: nothing acknowledged is missing; $((rows - oks)) extra rows were in flight when the load stopped" || echo "FAIL: $((oks - rows)) acknowledged webhooks are missing")," \
    "'LOST webhook' log lines=${R[$s.lost_lines]}, still unclassified after the load (waited up to 60 s)=${R[$s.unclassified]}, events stored=${R[$s.events]}"
done
