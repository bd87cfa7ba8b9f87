#!/usr/bin/env bash
# End-to-end benchmark (issue 13): webhooks in, callbacks out, against a bare Vert.x client posting to the same
# receiver, in one run. See bench/e2e/E2eBench.java for the phases.
#
#   bench/e2e.sh            (~12 min)
#
# Environment: WARMUP=60 MEASURE=10 (seconds per wrk run: the bare client, sat-1, sat-4), ORDERED_WARMUP=20 (the
# ordered pair), FIXED_WARMUP=20 RATE=3300 FIXED_SECONDS=30 (the fixed-rate phases: a warm-up, a drain, then one
# stream of a 5 s lead-in and the measured seconds),
# PHASES=sat-1,sat-4,ordered,floor,fixed,fixed-503 (a subset runs only those, beside the bare client; floor is the
# bare-durable server at the fixed rate, whose intake p99 the fixed phases are compared with), ports (127.0.0.1
# only): ROUTER_PORT=18290 RECEIVER_PORT=18291 (and RECEIVER_PORT+1, ROUTER_PORT+5 for the floor, ROUTER_PORT+10 for
# Postgres).
# TIMELINE=/some/prefix writes each fixed-rate phase's measured webhooks to <prefix>-<phase>.txt, one line each:
# µs from the window's start to its intended send time, intake latency µs, end-to-end latency µs (-1: lost), µs the
# sender was late (both latencies include it); the floor's file has no callbacks (-1 throughout).
# ROUTER_JVM_OPTS: extra JVM flags for the router only (not for the floor's server).
# FLUSH_PROBE=1 measures the disk's own flush beside each fixed-rate stream (4 kB + fdatasync, 10 ms apart, in the work
# directory; with TIMELINE, one line per flush to <prefix>-<phase>-flush.txt).
# WORK_IN=/some/dir puts the work directory, and so Postgres's data, there (default /tmp). WORK_IN=/dev/shm (tmpfs,
# where fdatasync costs nothing) is a diagnosis, not a result: it tells the disk's share of a latency from the rest.
# The saturation warm-up is a minute, as in bench/ingress.sh: on two cores C2 still compiles the router's hot path
# for about that long, and with 20 s the measured phase shared the cores with the compiler. The others keep 20 s:
# ordered delivery falls behind a saturated intake and a minute's backlog does not drain before the measured run;
# at a fixed rate, a minute makes the 503 subscriber's backlog three times larger (BENCHMARKS.md).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUTER_PORT=${ROUTER_PORT:-18290} RECEIVER_PORT=${RECEIVER_PORT:-18291}
WORK=$(mktemp -d "${WORK_IN:-/tmp}/switchboard-e2e.XXXXXX")
cleanup() {
  pkill -f "switchboard.jar --config $WORK" 2>/dev/null || true
  pkill -f "BareDurableServer.java $((ROUTER_PORT + 5)) " 2>/dev/null || true
  sleep 1
  for pidfile in "$WORK"/pg-*/postmaster.pid; do
    [ -f "$pidfile" ] && kill -INT "$(head -1 "$pidfile")" 2>/dev/null || true
  done
  if [ "${KEEP:-0}" = 1 ]; then echo "work dir kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
for p in "$ROUTER_PORT" "$RECEIVER_PORT" "$((RECEIVER_PORT + 1))" "$((ROUTER_PORT + 5))" "$((ROUTER_PORT + 10))"; do
  ! ss -ltnH "sport = :$p" | grep -q . || { echo "port $p is in use" >&2; exit 1; }
done
command -v wrk >/dev/null || { echo "installing wrk" >&2; apt-get install -y -q wrk >/dev/null; }
command -v psql >/dev/null || { echo "installing postgresql-client" >&2; apt-get install -y -q postgresql-client >/dev/null; }
(cd "$ROOT" && ./mvnw -q -B package -DskipTests)
java -Xms1g -Xmx1g -cp "$ROOT/target/switchboard.jar" "$ROOT/bench/e2e/E2eBench.java" "$ROOT" "$WORK" "$ROUTER_PORT" "$RECEIVER_PORT"
