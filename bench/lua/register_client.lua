-- POST /v2/{p}/clients: a freezer-scheduler registering a new host each time.
local common = require "common"
local serial = 0
local prefix

function init(args)
  local opts = common.init(args)
  prefix = string.format("bench%s-%d", opts.nonce, thread_number)
end

function request()
  serial = serial + 1
  local hostname = string.format("node%d-%d.bench.example.com", thread_number, serial)
  local body = string.format(
    '{"client_id":"%s-%d_%s","hostname":"%s","description":"database host",' ..
    '"supported_actions":["backup","restore","info","admin","exec"],"supported_modes":["fs","mysql"],' ..
    '"supported_storages":["swift","local"],"supported_engines":["tar","rsync"]}',
    prefix, serial, hostname, hostname)
  return wrk.format("POST", common.base .. "/clients", common.hdrs, body)
end
