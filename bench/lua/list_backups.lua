-- GET /v2/{p}/backups?limit=10&offset=0: the first page of the project.
local common = require "common"
local req

function init(args)
  common.init(args)
  req = wrk.format("GET", common.base .. "/backups?limit=10&offset=0", common.hdrs)
end

function request()
  return req
end
