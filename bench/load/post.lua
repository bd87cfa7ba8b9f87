-- wrk script for bench/ingress.sh: POSTs one realistic, correctly signed Meta webhook body and prints
-- a machine-readable summary (wrk --latency shows 50/75/90/99 only; the bench also wants 99.9).
-- BENCH_BODY_FILE: the body; BENCH_SIGNATURE: "sha256=<hex HMAC of those exact bytes>".
local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Hub-Signature-256"] = os.getenv("BENCH_SIGNATURE")

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d non2xx=%d sockerr=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f\n",
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    latency.max / 1000))
end
