#!/usr/bin/env bash
# Ingress benchmark (issue 7): a bare Vert.x server and Switchboard (embedded Postgres, fsync on) driven
# by the same wrk load in one run: saturation (ack: durable, then ack: immediate), then a fixed rate.
#   bench/ingress.sh [seconds=20] [connections=64] [rate=5000]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-20}; CONNS=${2:-64}; RATE=${3:-5000}; WARMUP=${WARMUP:-60}
# The warm-up is long on purpose: on 2 cores C2 keeps compiling for about a minute (measured: 1.2k → 5k req/s).

PORT=18180; PGPORT=18189; SECRET=bench-app-secret
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
[ -f target/switchboard.jar ] || ./mvnw -q -B package -DskipTests
WORK=$(mktemp -d /tmp/switchboard-ingress-bench.XXXXXX)
PID=
stop() { if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi; PID=; }
cleanup() { stop; pkill -f "$WORK/pg" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

# A realistic body as Meta sends it (compact JSON) and its signature.
python3 -c "import json,sys;print(json.dumps(json.load(open(sys.argv[1])),separators=(',',':')),end='')" \
  src/test/resources/fixtures/whatsapp/meta-text-01.json > "$WORK/body.json"
SIG="sha256=$(openssl dgst -sha256 -hmac "$SECRET" < "$WORK/body.json" | awk '{print $NF}')"
cat > "$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.body = io.open("$WORK/body.json"):read("*a")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Hub-Signature-256"] = "$SIG"
done = function(summary, latency, requests)
  io.write(string.format("p99.9 %.2f ms\n2xx %d\n", latency:percentile(99.9) / 1000, summary.requests - summary.errors.status))
end
LUA

wait_ready() { for _ in $(seq 1 120); do curl -fs -o /dev/null "$1" && return 0; sleep 0.5; done; echo "not ready: $1"; exit 1; }
rss() { awk '/VmHWM/ {printf "%.0f MB", $2/1024}' "/proc/$PID/status"; }
load() { # label: warm up, measure, print one table row
  wrk -t2 -c"$CONNS" -d"${WARMUP}s" -s "$WORK/post.lua" "http://127.0.0.1:$PORT/webhooks/meta" > "$WORK/warm.txt"
  wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$WORK/post.lua" "http://127.0.0.1:$PORT/webhooks/meta" > "$WORK/run.txt"
  RPS=$(awk '/Requests\/sec/ {print $2}' "$WORK/run.txt")
  P50=$(awk '$1=="50%" {print $2}' "$WORK/run.txt"); P99=$(awk '$1=="99%" {print $2}' "$WORK/run.txt")
  P999=$(awk '/^p99.9/ {print $2" ms"}' "$WORK/run.txt")
  OK=$(( $(awk '/^2xx/ {print $2}' "$WORK/warm.txt") + $(awk '/^2xx/ {print $2}' "$WORK/run.txt") ))
  printf "| %-28s | %10s | %8s | %8s | %10s | %8s |\n" "$1" "$RPS" "$P50" "$P99" "$P999" "$(rss)"
}
router() { # ack mode
  rm -rf "$WORK/pg"
  cat > "$WORK/config.yaml" <<YAML
http: { port: $PORT, host: 127.0.0.1 }
ingress: { ack: $1 }
sources: [ { name: meta, kind: meta, appSecret: $SECRET } ]
storage: { embedded: { dataDir: "$WORK/pg", port: $PGPORT } }
logging: { level: warn }
YAML
  java -Xmx512m -jar target/switchboard.jar --config "$WORK/config.yaml" > "$WORK/router-$1.log" 2>&1 &
  PID=$!
  wait_ready "http://127.0.0.1:$PORT/health/ready"
}

echo "machine: $(nproc) cores, $(free -h | awk '/Mem:/ {print $2}'), $(java -version 2>&1 | head -1); wrk -t2 -c$CONNS, ${WARMUP}s warm-up + ${SECS}s"
echo "| server                       |  req/s     | p50      | p99      | p99.9      | peak RSS |"
echo "|---|---|---|---|---|---|"
java -Xmx512m -Dport=$PORT -cp target/switchboard.jar bench/ingress/BareServer.java > "$WORK/bare.log" 2>&1 &
PID=$!; for _ in $(seq 1 60); do grep -q ready "$WORK/bare.log" && break; sleep 0.5; done
load "bare Vert.x"; BARE=$RPS; stop

router durable; load "switchboard ack: durable"; DURABLE=$RPS
ROWS=$(psql -tA -h 127.0.0.1 -p $PGPORT -U postgres -c "SELECT count(*) FROM inbound_webhooks")
echo "  durable: $OK answers 200, $ROWS rows in inbound_webhooks (every 200 must have its row)"
java -Xmx256m -cp target/switchboard.jar bench/ingress/FixedRate.java $PORT /webhooks/meta "$RATE" "$SECS" "$WORK/body.json" "$SIG" | sed 's/^/  durable /'
stop

router immediate; load "switchboard ack: immediate"; IMMEDIATE=$RPS; stop
awk -v b="$BARE" -v d="$DURABLE" -v i="$IMMEDIATE" 'BEGIN {printf "ratio to bare: durable %.0f%%, immediate %.0f%%\n", 100*d/b, 100*i/b}'
