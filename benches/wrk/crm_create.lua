-- wrk script for POST /crm/v3/objects/calls: a new call engagement each time, with the app's
-- access token. The CRM grows by one call per request: api.sh resets both servers before each
-- run (POST /_emulator/reset), and benches/fixtures/bench.json raises the portal's objectLimit.
--   wrk -s benches/wrk/crm_create.lua 'http://127.0.0.1:PORT/crm/v3/objects/calls'
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-token"
wrk.body = '{"properties":{"hs_timestamp":"2026-11-27T17:30:00.123Z","hs_call_direction":"INBOUND",'
  .. '"hs_call_status":"COMPLETED","hs_call_title":"Bench call","hs_call_duration":"95000"}}'
