-- GET /v2/{p}/backups?limit=10 with {"match":[{"backup_name": <one of the 100 names>}]}.
local common = require "common"
local reqs

function init(args)
  common.init(args)
  reqs = common.requests_per_line("backup_names.txt", "GET", "/backups?limit=10", function(name)
    return '{"match":[{"backup_name":"' .. name .. '"}]}'
  end)
end

function request()
  return reqs[math.random(#reqs)]
end
