#!/usr/bin/env bash
# Console benchmark (issue 18): every console page, timed in headless Chromium, while the router takes a
# fixed 1000 signed webhooks/s (each with its own message id, so each is stored, classified and delivered to a
# local receiver).
#
#   bench/console.sh            (~2 min)
#
# The load is bench/load/FixedRateLoad.java (open loop, what wrk2 does; wrk itself cannot hold a rate).
# After WARMUP s of load, bench/console/ConsolePageTimer.java signs in and loads each page ROUNDS times,
# timing from the navigation until the page's data is on screen; the load runs on until the pages are done.
# Environment: RATE=1000 WARMUP=30 ROUNDS=20 CONNECTIONS=32; ports (127.0.0.1 only): SB_PORT=18380
#   RECEIVER_PORT=18381 PG_PORT=15438. Needs chromium and chromium-driver (as .ci/run installs them).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RATE=${RATE:-1000} WARMUP=${WARMUP:-30} ROUNDS=${ROUNDS:-20} CONNECTIONS=${CONNECTIONS:-32}
SB_PORT=${SB_PORT:-18380} RECEIVER_PORT=${RECEIVER_PORT:-18381} PG_PORT=${PG_PORT:-15438}
SECRET=bench-app-secret KEY=bench-admin-key
WORK=$(mktemp -d /tmp/switchboard-console-bench.XXXXXX)
JAR="$ROOT/target/switchboard.jar"
PIDS=()

log() { printf '[console-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Stops only what this script started, the router last (SIGTERM lets it stop its embedded Postgres).
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ "${KEEP:-0}" = 1 ]; then log "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

wait_for() { # what seconds command...
  local what=$1 seconds=$2; shift 2
  for _ in $(seq 1 $((seconds * 4))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.25; done
  log "gave up waiting for $what"; return 1
}

for p in "$SB_PORT" "$RECEIVER_PORT" "$PG_PORT"; do
  ! ss -ltnH "sport = :$p" | grep -q . || { log "port $p is in use"; exit 1; }
done
[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] || { log "needs chromium and chromium-driver"; exit 1; }

log "building the jar and the test classpath"
(cd "$ROOT" && ./mvnw -q -B -ntp package -DskipTests \
  && ./mvnw -q -B -ntp dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt")
javac -d "$WORK/classes" -cp "$JAR" "$ROOT/bench/bare/BareServer.java" "$ROOT/bench/load/FixedRateLoad.java"

log "receiver (bench/bare/BareServer) on $RECEIVER_PORT"
java -Xmx256m -cp "$JAR:$WORK/classes" BareServer "$RECEIVER_PORT" > "$WORK/receiver.log" 2>&1 &
PIDS+=($!)

cat > "$WORK/config.yaml" <<YAML
http: { port: $SB_PORT, host: 127.0.0.1 }
sources:
  - { name: meta, kind: meta, verifyToken: bench-verify-token, appSecret: $SECRET }
subscriptions:
  - { name: receiver, url: "http://127.0.0.1:$RECEIVER_PORT/hooks", events: ["*"], secret: bench-subscription-secret }
delivery: { allowHttp: true, allowPrivateNetworks: true }
storage:
  embedded: { dataDir: $WORK/pg, port: $PG_PORT }
admin: { apiKeys: ["$KEY"] }
YAML
log "Switchboard on $SB_PORT (-Xmx512m), embedded Postgres on $PG_PORT"
java -Xmx512m -jar "$JAR" --config "$WORK/config.yaml" > "$WORK/switchboard.log" 2>&1 &
PIDS=($! "${PIDS[@]}")
wait_for "readiness" 90 curl -fsS "http://127.0.0.1:$SB_PORT/health/ready" || { tail -20 "$WORK/switchboard.log"; exit 1; }

BODY="$ROOT/bench/payload.json"
SIGNATURE="sha256=$(openssl dgst -sha256 -hmac "$SECRET" < "$BODY" | awk '{print $NF}')"
LOAD_SECONDS=$((WARMUP + 600))
log "load: $RATE webhooks/s (distinct, signed), $CONNECTIONS connections"
BENCH_DISTINCT=1 BENCH_SECRET=$SECRET java -Xmx256m -cp "$JAR:$WORK/classes" FixedRateLoad \
  "http://127.0.0.1:$SB_PORT/webhooks/meta" "$RATE" 0 "$LOAD_SECONDS" "$CONNECTIONS" "$BODY" "$SIGNATURE" \
  > "$WORK/load.txt" 2>&1 &
LOAD_PID=$!
PIDS=("$LOAD_PID" "${PIDS[@]}")
log "warming up ${WARMUP}s under load"
sleep "$WARMUP"

refused() { curl -fsS "http://127.0.0.1:$SB_PORT/metrics" | awk '/^switchboard_ingress_requests_total\{/ && !/outcome="accepted"/ {s += $2} END {printf "%d", s}'; }
accepted() { curl -fsS "http://127.0.0.1:$SB_PORT/metrics" | awk '/^switchboard_ingress_requests_total\{outcome="accepted"/ {s += $2} END {printf "%d", s}'; }
attempts() { curl -fsS "http://127.0.0.1:$SB_PORT/metrics" | awk '/^switchboard_deliveries_total\{/ {s += $2} END {printf "%d", s}'; }
a0=$(accepted) d0=$(attempts) t0=$(date +%s.%N)
log "timing the pages, $ROUNDS loads each"
java -Xmx256m -cp "$(cat "$WORK/cp.txt")" "$ROOT/bench/console/ConsolePageTimer.java" \
  "http://127.0.0.1:$SB_PORT" "$KEY" "$ROUNDS" | tee "$WORK/pages.txt"
a1=$(accepted) d1=$(attempts) t1=$(date +%s.%N)
kill -TERM "$LOAD_PID" 2>/dev/null || true

echo
awk -v a="$((a1 - a0))" -v d="$((d1 - d0))" -v t0="$t0" -v t1="$t1" 'BEGIN {
  s = t1 - t0; printf "while the pages were timed (%.0f s): %.0f webhooks/s accepted, %.0f delivery attempts/s\n", s, a / s, d / s }'
echo "webhooks not accepted (any outcome but accepted) over the whole run: $(refused)"
worst=$(awk '/^PAGE/ { split($4, m, "="); if (m[2] > w) w = m[2] } END { print w + 0 }' "$WORK/pages.txt")
log "slowest page load under load: ${worst} ms (target < 1000 ms)"
