-- wrk script of the endpoint benchmark (benchmarks/endpoint.py): checks every answer.
--
--   wrk -s benchmarks/check.lua URL -- LENGTH SUM [ACCEPT [unique]]
--
-- With "unique", every request's URL (whose last parameter is the query) ends in a comment
-- line of its own ("\n#<thread>-<n>"): each request's query text differs from every other's,
-- so that no cache of parsed or answered queries can serve it.
--
-- An answer counts as right when its status is 200 and its body has LENGTH bytes whose sum
-- (mod 2^32) is SUM: the body fetched and verified before the run. The sum ignores the order
-- of the bytes, since the order inside a GROUP_CONCAT list is not defined and may differ from
-- one query process to another. done() prints one JSON line: requests, mismatches (any other
-- answer), socket errors, and the latency percentiles in microseconds.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

local counter = 0
local unique = false
local thread_tag = ""

function init(args)
   unique = args[4] == "unique"
   thread_tag = tostring(math.random(1, 1000000000))
   expected_length = tonumber(args[1])
   expected_sum = tonumber(args[2])
   if args[3] then
      wrk.headers["Accept"] = args[3]
   end
   mismatches = 0
   first_mismatch = ""
end

function request()
   if not unique then
      return wrk.format()
   end
   counter = counter + 1
   return wrk.format(nil, wrk.path .. "%0A%23" .. thread_tag .. "-" .. counter)
end

local function byte_sum(body)
   local sum = 0
   local bytes = string.byte
   for i = 1, #body do
      sum = sum + bytes(body, i)
   end
   return sum % 4294967296
end

function response(status, headers, body)
   if status ~= 200 or #body ~= expected_length or byte_sum(body) ~= expected_sum then
      mismatches = mismatches + 1
      if first_mismatch == "" then
         local start = string.gsub(string.sub(body, 1, 160), '[%c"\\]', " ")
         first_mismatch = status .. " " .. #body .. " bytes: " .. start
      end
   end
end

function done(summary, latency, requests)
   local wrong = 0
   local example = ""
   for _, thread in ipairs(threads) do
      wrong = wrong + thread:get("mismatches")
      if example == "" then
         example = thread:get("first_mismatch")
      end
   end
   local errors = summary.errors
   io.write(string.format(
      '{"requests": %d, "duration_us": %d, "mismatches": %d, "first_mismatch": "%s", '
      .. '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "status_errors": %d, '
      .. '"timeouts": %d, "latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, '
      .. '"mean": %.1f}}\n',
      summary.requests, summary.duration, wrong, example,
      errors.connect, errors.read, errors.write, errors.status, errors.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      latency.mean))
end
