-- One member host's run, over and over: job `start` event, session `start`
-- action, session `end` action, then the next pair of this thread.
-- Run with one connection per thread (the steps of a cycle are sequential).
-- Sessions are preloaded with a long hold_off and every start sends
-- current_tag 0: after the first run each start is a late member joining the
-- current run ("success", the member entry is written) and each end writes
-- the member's completion.
local common = require "common"
local pairs_of_thread = {}
local pair_index, step = 1, 0
local STEPS = {"event", "start", "end"}

function init(args)
  local opts = common.init(args)
  local all = common.read_lines(opts.data .. "/job_session_pairs.txt")
  for i, line in ipairs(all) do
    if (i - 1) % opts.threads == thread_number - 1 then table.insert(pairs_of_thread, line) end
  end
  if #pairs_of_thread == 0 then
    table.insert(pairs_of_thread, all[(thread_number - 1) % #all + 1])
  end
end

function request()
  step = step % 3 + 1
  if step == 1 then pair_index = pair_index % #pairs_of_thread + 1 end
  local job_id, session_id = pairs_of_thread[pair_index]:match("^(%S+)%s+(%S+)$")
  local path, body
  if step == 1 then
    path, body = "/jobs/" .. job_id .. "/event", '{"start":null}'
  elseif step == 2 then
    path = "/sessions/" .. session_id .. "/action"
    body = '{"start":{"job_id":"' .. job_id .. '","current_tag":0}}'
  else
    path = "/sessions/" .. session_id .. "/action"
    body = '{"end":{"job_id":"' .. job_id .. '","current_tag":0,"result":"success"}}'
  end
  return wrk.format("POST", common.base .. path, common.hdrs, body)
end

function common.on_response(status, body)
  local result = body and body:match('"result"%s*:%s*"([^"]*)"') or tostring(status)
  common.count(STEPS[step] .. ": " .. result)
end
