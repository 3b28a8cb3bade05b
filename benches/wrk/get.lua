-- wrk script for GET channel-connection: a static request (the URL given to wrk, with its
-- ?hapikey=...), plus the response counting of common.lua.
--   wrk -s benches/wrk/get.lua 'http://127.0.0.1:PORT/crm/v3/extensions/calling/1234567/settings/channel-connection?hapikey=bench-key'
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")
