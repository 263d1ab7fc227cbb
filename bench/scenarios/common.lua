-- Shared by the scenarios: per-thread slices of a data file, and a JSON summary
-- line for bench/run.py (wrk's own text report stays on stdout as well).
local common = {}
local threads = {}
local UNESCAPE = { n = "\n", r = "\r", t = "\t", ["\\"] = "\\" }

-- Each line of BENCH_DATA is one request: "path<TAB>body<TAB>authorization",
-- optionally followed by "<TAB>content type". Body and authorization may be
-- empty; a body is JSON unless a content type is given, and then it is escaped
-- (\\, \n, \r, \t) to stay on one line (a multipart form with a file). A header
-- value from BENCH_HEADER ("Name: value") is added to every request.
function common.setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function common.load()
  -- Fewer lines than threads (a read of one URL): every thread takes them all.
  local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  local all, items = {}, {}
  for line in io.lines(os.getenv("BENCH_DATA")) do
    if #line > 0 then
      local fields = {}
      for value in (line .. "\t"):gmatch("([^\t]*)\t") do
        table.insert(fields, value)
      end
      local item = { path = fields[1], body = fields[2] or "", auth = fields[3] or "", type = fields[4] or "" }
      if #item.type > 0 then
        item.body = (item.body:gsub("\\(.)", UNESCAPE))
      end
      table.insert(all, item)
    end
  end
  if #all < nthreads then
    return all
  end
  for index, item in ipairs(all) do
    if (index - 1) % nthreads == tid then
      table.insert(items, item)
    end
  end
  return items
end

function common.headers(item)
  local headers = {}
  local extra = os.getenv("BENCH_HEADER")
  if extra and #extra > 0 then
    local name, value = extra:match("^([^:]+):%s*(.*)$")
    headers[name] = value
  end
  if item.auth and #item.auth > 0 then
    headers["Authorization"] = item.auth
  end
  if item.type and #item.type > 0 then
    headers["Content-Type"] = item.type
  elseif item.body and #item.body > 0 then
    headers["Content-Type"] = "application/json"
  end
  return headers
end

function common.done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "status_errors": %d, "socket_errors": %d, '
      .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d}\n',
    summary.requests, summary.duration, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end

return common
