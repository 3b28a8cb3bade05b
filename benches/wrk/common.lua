-- Shared by the scripts of this folder (loaded with dofile; see those files). Counts every response by
-- status in each wrk thread and, in done(), prints one machine-readable line that api.sh parses:
--
--   BENCH_RESULT responses=N non2xx=N first_non2xx=CODE statuses=200:N,409:N p50_ms=X p99_ms=X
--
-- A benchmark of 404s or 409s is worthless: api.sh fails the run when non2xx > 0.

local threads = {}
local next_thread_id = 0

-- Runs in the main Lua state, once per thread, before the thread starts.
function setup(thread)
  thread:set("thread_id", next_thread_id)
  next_thread_id = next_thread_id + 1
  table.insert(threads, thread)
end

-- Per-thread state (each wrk thread has its own Lua state).
responses = 0
non2xx = 0
first_non2xx = 0
statuses = {}

-- Counts one response (a script with its own response() calls it).
function count_response(status)
  responses = responses + 1
  statuses[status] = (statuses[status] or 0) + 1
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_non2xx == 0 then first_non2xx = status end
  end
end

function response(status, headers, body)
  count_response(status)
end

function done(summary, latency, requests)
  local total, bad, first = 0, 0, 0
  local by_status = {}
  for _, thread in ipairs(threads) do
    total = total + thread:get("responses")
    bad = bad + thread:get("non2xx")
    local f = thread:get("first_non2xx")
    if first == 0 and f ~= 0 then first = f end
    for status, n in pairs(thread:get("statuses")) do
      by_status[status] = (by_status[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(by_status) do
    table.insert(parts, string.format("%d:%d", status, n))
  end
  table.sort(parts)
  io.write(string.format(
    "BENCH_RESULT responses=%d non2xx=%d first_non2xx=%d statuses=%s p50_ms=%.3f p99_ms=%.3f\n",
    total, bad, first, table.concat(parts, ","),
    latency:percentile(50) / 1000.0, latency:percentile(99) / 1000.0))
end
