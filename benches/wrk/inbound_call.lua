-- wrk script for POST inbound-call: the same CompletedThirdPartyCallRequest every time, from the
-- seeded contact's number (benches/fixtures/bench.json), without createEngagement, so the CRM
-- does not grow; with the app's access token.
--   wrk -s benches/wrk/inbound_call.lua 'http://127.0.0.1:PORT/crm/v3/extensions/calling/inbound-call'
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-token"
wrk.body = '{"externalCallId":"bench-call-1","createEngagement":false,"finalCallStatus":"COMPLETED",'
  .. '"fromNumber":{"e164Number":"+14155552671","phoneNumberType":"MOBILE"},'
  .. '"toNumber":{"e164Number":"+14155550100","phoneNumberType":"FIXED_LINE"},'
  .. '"potentialRecipientUserIds":[101],"engagementProperties":{},"durationSeconds":95}'
