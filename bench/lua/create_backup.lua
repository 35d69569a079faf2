-- POST /v2/{p}/backups: the metadata freezer-agent reports after a filesystem
-- backup, unique each time (job id, time stamp, level), under one of the 100 names.
local common = require "common"
local names, hosts
local serial = 0
local prefix

function init(args)
  local opts = common.init(args)
  names = common.read_lines(opts.data .. "/backup_names.txt")
  hosts = common.read_lines(opts.data .. "/hostnames.txt")
  prefix = string.format("%08x%04x", tonumber(opts.nonce) % 0xffffffff, thread_number)
end

function request()
  serial = serial + 1
  local host = hosts[math.random(#hosts)]
  local body = string.format(
    '{"action":"backup","mode":"fs","storage":"local","container":"/var/lib/freezer/backups",' ..
    '"hostname":"%s","backup_name":"%s","path_to_backup":"/etc","time_stamp":%d,' ..
    '"curr_backup_level":%d,"max_level":7,"engine_name":"tar","compression":"gzip",' ..
    '"encrypted":false,"client_os":"linux","client_version":"19.0.0","consistency_checksum":"",' ..
    '"fs_real_path":"/etc","vol_snap_path":"/etc","job_id":"%s%020x"}',
    host, names[math.random(#names)], 1800000000 + serial, serial % 8, prefix, serial)
  return wrk.format("POST", common.base .. "/backups", common.hdrs, body)
end
