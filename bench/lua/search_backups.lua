-- GET /v2/{p}/backups?limit=10 with {"match":[{"backup_name": <one of the 100 names>}]}.
local common = require "common"
local reqs = {}

function init(args)
  local opts = common.init(args)
  for _, name in ipairs(common.read_lines(opts.data .. "/backup_names.txt")) do
    local body = '{"match":[{"backup_name":"' .. name .. '"}]}'
    table.insert(reqs, wrk.format("GET", common.base .. "/backups?limit=10", common.hdrs, body))
  end
end

function request()
  return reqs[math.random(#reqs)]
end
