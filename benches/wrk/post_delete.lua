-- wrk script for POST + DELETE of one app's channel connection: every app is registered, then
-- deleted again, so the store keeps a bounded number of apps however long the run (the emulator
-- runs with benches/fixtures/bench.json, whose "acceptAnyAppId": true takes any appId).
--
--   wrk -s benches/wrk/post_delete.lua 'http://127.0.0.1:PORT' -- RUN [HAPIKEY]
--
-- A DELETE names an app whose POST was answered: each POST registers the URL .../calling/APP,
-- the answer echoes it, and response() queues APP. (wrk may build a request and drop it unsent
-- when a new connection is not writable yet, so "the POST sent LAG requests ago" could name an
-- app never registered.) Once LAG apps are queued, POSTs and DELETEs alternate. POSTs cycle
-- through APPS ids per thread, an id coming back long after its DELETE: no 404, no 409.
-- appId = 100000000 + RUN*100000000 + thread_id*10000000 + (n mod APPS): RUN (0..19) keeps
-- successive wrk runs against one server (which leave up to LAG apps each) apart.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

local LAG, APPS = 500, 20000
local base = 0
local n = 0
local query = ""
local headers = { ["Content-Type"] = "application/json" }
-- Registered apps whose DELETE is yet to be sent, oldest first (a queue: first..last).
local registered, first, last = {}, 1, 0
local post_next = true

function init(args)
  local run = tonumber(args[1] or "0")
  if run < 0 or run > 19 then error("RUN must be 0..19, got " .. tostring(args[1])) end
  if thread_id > 9 then error("at most 10 threads") end
  base = 100000000 + run * 100000000 + thread_id * 10000000
  query = "?hapikey=" .. (args[2] or "bench-key")
end

local function path(app)
  return "/crm/v3/extensions/calling/" .. app .. "/settings/channel-connection" .. query
end

function request()
  if not post_next and last - first + 1 > LAG then
    post_next = true
    local app = registered[first]
    registered[first] = nil
    first = first + 1
    return wrk.format("DELETE", path(app))
  end
  post_next = false
  n = n + 1
  local app = base + n % APPS
  return wrk.format("POST", path(app), headers,
    '{"url":"http://127.0.0.1:3000/calling/' .. app .. '","isReady":false}')
end

function response(status, headers, body)
  count_response(status)
  if status == 200 then
    local app = body:match('/calling/(%d+)"')
    if app then
      last = last + 1
      registered[last] = app
    end
  end
end
