-- wrk script for bench/ingress.sh: POSTs one realistic, correctly signed Meta webhook body and prints
-- a machine-readable summary (wrk --latency shows 50/75/90/99 only; the bench also wants 99.9).
-- BENCH_BODY_FILE: the body; BENCH_SIGNATURE: "sha256=<hex HMAC of those exact bytes>".
-- BENCH_DISTINCT=1 (with BENCH_SECRET, the app secret): every request carries its own message id, signed
-- per request through libcrypto's HMAC (LuaJIT FFI), so Switchboard stores a new event for each one, as with
-- real traffic. It costs the load generator a few µs per request, on the same cores as the server.
local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Hub-Signature-256"] = os.getenv("BENCH_SIGNATURE")

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

if os.getenv("BENCH_DISTINCT") == "1" then
  local ffi = require("ffi")
  ffi.cdef [[
    const void *EVP_sha256(void);
    unsigned char *HMAC(const void *md, const void *key, int key_len, const unsigned char *data, size_t data_len,
                        unsigned char *md_out, unsigned int *md_len);
  ]]
  local crypto = ffi.load("libcrypto.so.3")
  local secret = assert(os.getenv("BENCH_SECRET"), "BENCH_DISTINCT needs BENCH_SECRET")
  local digest, digest_len = ffi.new("unsigned char[32]"), ffi.new("unsigned int[1]")
  local hex = {}
  for i = 0, 255 do hex[i] = string.format("%02x", i) end
  -- The message id ends where the first wamid's closing quote is; the counter goes just before it.
  local cut = assert(wrk.body:find('"', assert(wrk.body:find('"wamid%.')) + 1, true), "body has no wamid")
  local head, tail = wrk.body:sub(1, cut - 1), wrk.body:sub(cut)
  local sent = 0
  -- Each wrk run (warm-up, measurement) gets its own ids: a later run repeating them would be retries.
  local run = os.getenv("BENCH_RUN") or tostring(os.time())

  -- BENCH_CONTACTS=N: the requests take turns among N customers (the fixture's wa_id, replaced), for ordered runs.
  local contacts = tonumber(os.getenv("BENCH_CONTACTS") or "0")
  local wa_id = wrk.body:match('"wa_id": "(%d+)"')

  function request()
    sent = sent + 1
    local body = string.format("%s-%s-%d-%010d%s", head, run, thread_number or 0, sent, tail)
    if contacts > 0 then
      body = body:gsub(wa_id, string.format("1%012d", (sent * 2 + (thread_number or 0)) % contacts))
    end
    crypto.HMAC(crypto.EVP_sha256(), secret, #secret, body, #body, digest, digest_len)
    local parts = {}
    for i = 0, 31 do parts[i + 1] = hex[digest[i]] end
    wrk.headers["X-Hub-Signature-256"] = "sha256=" .. table.concat(parts)
    return wrk.format(nil, nil, wrk.headers, body)
  end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d non2xx=%d sockerr=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f\n",
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    latency.max / 1000))
end
