-- requests.lua - wrk script for bench/serve: cycles through a list of
-- request paths (one a line, e.g. /api/search?q=gang&facets=*), each wrk
-- thread starting at a different place in the list, and prints the
-- figures as one JSON line ("WRK_JSON {...}") at the end.
--
--   wrk -t2 -c50 -d10s -s requests.lua http://127.0.0.1:PORT -- REQUESTS_FILE

local threads = {}
local paths = {}
local prepared = {}
local position = 0

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

function init(args)
   local file = args[1]
   if not file then
      io.stderr:write("requests.lua: give the requests file after --\n")
      os.exit(2)
   end
   for line in io.lines(file) do
      if line ~= "" and line:sub(1, 1) ~= "#" then
         table.insert(paths, line)
      end
   end
   if #paths == 0 then
      io.stderr:write("requests.lua: no requests in " .. file .. "\n")
      os.exit(2)
   end
   for i, path in ipairs(paths) do
      prepared[i] = wrk.format("GET", path, { ["Accept"] = "application/json" })
   end
   -- Spread the threads over the list (id is set by setup()).
   position = math.floor((id or 0) * #paths / 2)
end

function request()
   position = position % #prepared + 1
   return prepared[position]
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p90_us": %d, ' ..
      '"p99_us": %d, "max_us": %d, "mean_us": %.1f, "errors_connect": %d, "errors_read": %d, ' ..
      '"errors_write": %d, "errors_status": %d, "errors_timeout": %d}\n',
      summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max, latency.mean, e.connect, e.read, e.write, e.status, e.timeout))
end
