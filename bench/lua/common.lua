-- Shared by every scenario script: arguments, identity headers, per-status
-- counts and one JSON summary line that bench/loadgen.py reads.
--
-- wrk runs each script once in its main Lua state (setup, done) and once per
-- thread (init, request, response); values cross between them only through
-- thread:get / thread:set.
local common = {}

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

-- Per thread: response counts by status, and named counters a scenario may add.
statuses = {}
counters = {}

-- wrk passes what follows "--" on its command line: key=value words.
function common.parse_args(args)
  local parsed = {}
  for _, word in ipairs(args) do
    local key, value = word:match("^([%w_]+)=(.*)$")
    if key then parsed[key] = value end
  end
  return parsed
end

function common.read_lines(path)
  local lines = {}
  for line in io.lines(path) do
    if line ~= "" then table.insert(lines, line) end
  end
  assert(#lines > 0, "no lines in " .. path)
  return lines
end

-- The identity the noauth server (and the original's header filter) trusts.
function common.headers(opts)
  return {
    ["X-User-Id"] = opts.user or "bench-user",
    ["X-Project-Id"] = opts.project,
    ["X-Roles"] = opts.roles or "member,reader",
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
  }
end

function common.init(args)
  local opts = common.parse_args(args)
  assert(opts.project, "pass project=<id> after --")
  opts.threads = tonumber(opts.threads or "1")
  opts.data = opts.data or "."
  opts.nonce = opts.nonce or tostring(os.time())
  math.randomseed(os.time() * 1000 + thread_number)
  common.opts = opts
  common.base = "/v2/" .. opts.project
  common.hdrs = common.headers(opts)
  return opts
end

-- One ready request per line of a data file: body_of(line) gives its body.
function common.requests_per_line(file, method, path, body_of)
  local reqs = {}
  for _, line in ipairs(common.read_lines(common.opts.data .. "/" .. file)) do
    table.insert(reqs, wrk.format(method, common.base .. path, common.hdrs, body_of(line)))
  end
  return reqs
end

function common.count(name)
  counters[name] = (counters[name] or 0) + 1
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if common.on_response then common.on_response(status, body) end
end

local function encode(value)
  local kind = type(value)
  if kind == "number" then
    return string.format("%.17g", value)
  elseif kind == "string" then
    return string.format("%q", value)
  elseif kind == "table" then
    local parts = {}
    for k, v in pairs(value) do
      table.insert(parts, string.format("%q", tostring(k)) .. ":" .. encode(v))
    end
    table.sort(parts)
    return "{" .. table.concat(parts, ",") .. "}"
  end
  return "null"
end

local function add_into(total, part)
  for k, v in pairs(part or {}) do total[tostring(k)] = (total[tostring(k)] or 0) + v end
end

function done(summary, latency, requests)
  local all_statuses, all_counters = {}, {}
  for _, thread in ipairs(threads) do
    add_into(all_statuses, thread:get("statuses"))
    add_into(all_counters, thread:get("counters"))
  end
  local percentiles = {}
  for _, p in ipairs({50, 90, 99, 99.9}) do
    percentiles[tostring(p)] = latency:percentile(p) / 1000.0
  end
  local result = {
    duration_s = summary.duration / 1e6,
    requests = summary.requests,
    bytes = summary.bytes,
    socket_errors = summary.errors,
    statuses = all_statuses,
    counters = all_counters,
    latency_ms = {
      mean = latency.mean / 1000.0,
      max = latency.max / 1000.0,
      percentiles = percentiles,
    },
  }
  io.write("BENCH_JSON " .. encode(result) .. "\n")
end

return common
