-- wrk script for POST /crm/v3/objects/calls/search: the completed calls among the 100 seeded
-- ones (benches/fixtures/bench.json; 50 match), a page of 10, with the app's access token.
--   wrk -s benches/wrk/crm_search.lua 'http://127.0.0.1:PORT/crm/v3/objects/calls/search'
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-token"
wrk.body = '{"filterGroups":[{"filters":[{"propertyName":"hs_call_status","operator":"EQ",'
  .. '"value":"COMPLETED"}]}],"limit":10}'
