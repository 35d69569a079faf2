-- GET /v2/{p}/backups/{id}, ids drawn at random from the preloaded set.
local common = require "common"
local ids

function init(args)
  local opts = common.init(args)
  ids = common.read_lines(opts.data .. "/backup_ids.txt")
end

function request()
  return wrk.format("GET", common.base .. "/backups/" .. ids[math.random(#ids)], common.hdrs)
end
