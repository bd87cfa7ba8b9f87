#!/usr/bin/env bash
# Delivery benchmark (issue 5): Switchboard on embedded Postgres (fsync on, ack: durable) delivering to a
# receiver on 127.0.0.1, beside a bare Vert.x client posting to the same receiver, in one run.
#   bench/delivery.sh [burst=20000] [rate=1000] [seconds=20]
set -euo pipefail
cd "$(dirname "$0")/.."
BURST=${1:-20000}; RATE=${2:-1000}; SECONDS_STEADY=${3:-20}
RECEIVER_PORT=18191; ROUTER_PORT=18190; SECRET=bench-app-secret
WORK=$(mktemp -d /tmp/switchboard-delivery-bench.XXXXXX)
[ -f target/switchboard.jar ] || ./mvnw -q -B package -DskipTests
cat > "$WORK/config.yaml" <<YAML
http: { port: $ROUTER_PORT, host: 127.0.0.1 }
sources: [ { name: meta, kind: meta, appSecret: $SECRET } ]
subscriptions:
  - { name: bench, url: "http://127.0.0.1:$RECEIVER_PORT/hooks", events: ["message.received"], secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, maxConcurrency: 10 }
delivery: { allowHttp: true, allowPrivateNetworks: true }
storage: { embedded: { dataDir: "$WORK/pg" } }
YAML
java -Xmx512m ${ROUTER_JAVA_OPTS:-} -jar target/switchboard.jar --config "$WORK/config.yaml" > "$WORK/router.log" 2>&1 &
ROUTER=$!
cleanup() { kill "$ROUTER" 2>/dev/null; wait "$ROUTER" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$ROUTER_PORT/health/ready" >/dev/null && break; sleep 0.5; done
echo "machine: $(nproc) cores, $(free -h | awk '/Mem:/ {print $2}') RAM, $(java -version 2>&1 | head -1)"
java -Xmx512m -cp target/switchboard.jar bench/delivery/DeliveryBench.java \
  "$RECEIVER_PORT" "$ROUTER_PORT" "$SECRET" "$BURST" "$RATE" "$SECONDS_STEADY" \
  src/test/resources/fixtures/whatsapp/meta-text-01.json
echo "router peak RSS: $(awk '/VmHWM/ {print $2/1024 " MB"}' /proc/$ROUTER/status)"
