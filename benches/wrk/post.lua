-- wrk script for POST channel-connection. Every request creates the connection of a fresh appId
-- (a second POST on the same app answers 409), so the emulator must run with a fixture that sets
-- "acceptAnyAppId": true (benches/fixtures/bench.json).
--
--   wrk -s benches/wrk/post.lua 'http://127.0.0.1:PORT' -- RUN [HAPIKEY]
--
-- appId = 100000000 + RUN*100000000 + thread_id*10000000 + n  (n = 1, 2, ... per thread)
-- RUN (0..19) keeps successive wrk runs against one emulator (warm-up, rounds) from reusing ids;
-- up to 10 threads and 9,999,999 requests per thread; the largest id stays under int32's
-- 2147483647.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

local base = 0
local n = 0
local query = ""
local headers = { ["Content-Type"] = "application/json" }
local body = '{"url":"http://127.0.0.1:3000/calling","isReady":false}'

function init(args)
  local run = tonumber(args[1] or "0")
  if run < 0 or run > 19 then error("RUN must be 0..19, got " .. tostring(args[1])) end
  if thread_id > 9 then error("at most 10 threads") end
  base = 100000000 + run * 100000000 + thread_id * 10000000
  query = "?hapikey=" .. (args[2] or "bench-key")
end

function request()
  n = n + 1
  if n > 9999999 then error("more than 9,999,999 requests in one thread: appIds would overlap") end
  return wrk.format("POST",
    "/crm/v3/extensions/calling/" .. (base + n) .. "/settings/channel-connection" .. query,
    headers, body)
end
