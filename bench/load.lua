-- wrk script for `python -m bench`: replays a plan of prepared requests and reports JSON.
--
-- The plan (BENCH_PLAN, written by bench/load.py) has one request a line:
-- method TAB path TAB headers TAB body, the headers as "Name: value" joined by \031 (unit
-- separator); an empty body is none. Each wrk thread walks the plan from its own offset.
-- Status codes are tallied per thread and summed in done(), which prints one line:
-- "BENCH-JSON {...}". BENCH_OFFSET starts the walk further on (a run that continues the
-- previous one's plan). Responses and page-cache hits are also counted per second of the
-- wall clock ("timeline": [[second, responses, hits], ...]), for the hit rate over time.

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("offset", (tonumber(os.getenv("BENCH_OFFSET") or "0") or 0) + (counter - 1) * 7919)
  table.insert(threads, thread)
end

local reqs = {}
local n = 0
local i = 0
statuses = {}

function init(args)
  for line in io.lines(os.getenv("BENCH_PLAN")) do
    local method, path, header_text, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = {}
    for name, value in header_text:gmatch("([^:\031]+): ([^\031]*)") do
      headers[name] = value
    end
    if body == "" then body = nil end
    n = n + 1
    reqs[n] = wrk.format(method, path, headers, body)
  end
  -- wrk calls request() once to check it and drops that request: start one earlier, so the
  -- first request sent is the plan's line at `offset` (counted from 0).
  i = ((offset or 0) - 1) % n
end

function request()
  i = i % n + 1
  return reqs[i]
end

cache_hits = 0
-- Flat tables (second -> count): wrk copies a thread's tables to done() one level deep only.
responses_at = {}
hits_at = {}

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local now = os.time()
  responses_at[now] = (responses_at[now] or 0) + 1
  if headers["X-Sodan-Cache"] == "hit" then
    cache_hits = cache_hits + 1
    hits_at[now] = (hits_at[now] or 0) + 1
  end
end

function done(summary, latency, requests)
  local merged = {}
  local hits = 0
  local timeline = {}
  for _, t in ipairs(threads) do
    hits = hits + (t:get("cache_hits") or 0)
    local hits_then = t:get("hits_at") or {}
    for second, count in pairs(t:get("responses_at") or {}) do
      local into = timeline[second] or {0, 0}
      into[1] = into[1] + count
      into[2] = into[2] + (hits_then[second] or 0)
      timeline[second] = into
    end
    local s = t:get("statuses") or {}
    for code, count in pairs(s) do
      merged[code] = (merged[code] or 0) + count
    end
  end
  local parts = {}
  for code, count in pairs(merged) do
    table.insert(parts, string.format('"%d": %d', code, count))
  end
  local seconds_seen = {}
  for second, _ in pairs(timeline) do
    table.insert(seconds_seen, second)
  end
  table.sort(seconds_seen)
  local buckets = {}
  for _, second in ipairs(seconds_seen) do
    local b = timeline[second]
    table.insert(buckets, string.format("[%d, %d, %d]", second, b[1], b[2]))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"mean": %.1f, "max": %d, "p50": %d, "p90": %d, "p95": %d, "p99": %d, ' ..
    '"p999": %d}, "cache_hits": %d, "statuses": {%s}, "timeline": [%s]}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.max, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency:percentile(99.9), hits,
    table.concat(parts, ", "), table.concat(buckets, ", ")))
end
