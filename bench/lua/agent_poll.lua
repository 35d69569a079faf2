-- What freezer-scheduler sends on every poll: GET /v2/{p}/jobs?limit=10&offset=0 with
-- {"match_not":[{"status":"completed"}],"match":[{"client_id": <one client>}]}.
local common = require "common"
local reqs

function init(args)
  common.init(args)
  reqs = common.requests_per_line("client_ids.txt", "GET", "/jobs?limit=10&offset=0", function(client_id)
    return '{"match_not":[{"status":"completed"}],"match":[{"client_id":"' .. client_id .. '"}]}'
  end)
end

function request()
  return reqs[math.random(#reqs)]
end
