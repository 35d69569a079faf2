-- What freezer-scheduler sends on every poll: GET /v2/{p}/jobs?limit=10&offset=0 with
-- {"match_not":[{"status":"completed"}],"match":[{"client_id": <one client>}]}.
local common = require "common"
local reqs = {}

function init(args)
  local opts = common.init(args)
  for _, client_id in ipairs(common.read_lines(opts.data .. "/client_ids.txt")) do
    local body = '{"match_not":[{"status":"completed"}],"match":[{"client_id":"' .. client_id .. '"}]}'
    table.insert(reqs, wrk.format("GET", common.base .. "/jobs?limit=10&offset=0", common.hdrs, body))
  end
end

function request()
  return reqs[math.random(#reqs)]
end
