-- One wrk script for every endpoint the harness measures; the mode comes after `--`:
--   get <file>              GET the paths listed in <file>, in turn
--   post_patient <start>    POST patients with unique, checksum-valid NHS numbers from <start>
--   post_invalid            POST a patient whose NHS number fails its checksum (expects 400)
--   post_appointment <file> POST appointments for the NHS numbers listed in <file>
--   cancel <file>           POST cancel for the appointment ids in <file>, each exactly once
-- Every request says it came through the TLS-terminating proxy. done() prints one JSON line.

local threads = {}
local counter = 0

local function lines(path)
  local list = {}
  for line in io.lines(path) do
    if line ~= "" then list[#list + 1] = line end
  end
  return list
end

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

function init(args)
  mode = args[1]
  statuses = {}
  headers = { ["X-Forwarded-Proto"] = "https", ["Content-Type"] = "application/json" }
  if mode == "get" or mode == "post_appointment" or mode == "cancel" then
    items = lines(args[2])
  end
  if mode == "post_appointment" then
    clinician, department = args[3], args[4]
    -- Hour by hour from 2031, a block of 250,000 hours (28 years) per run and 50,000 of them
    -- per thread: the one clinician is never booked twice at one time.
    next_hour = tonumber(args[5]) * 250000 + thread_index * 50000
  end
  if mode == "post_patient" then
    -- Each thread takes its own block of 9-digit bodies, so numbers never repeat.
    next_body = tonumber(args[2]) + thread_index * 1000000
  end
  if mode == "cancel" then
    -- Threads take interleaved ids, so no id is cancelled twice.
    position = thread_index + 1
    stride = tonumber(args[3])
  else
    position = thread_index + 1
    stride = 1
  end
end

local function nhs_number()
  while true do
    local body = string.format("%09d", next_body)
    next_body = next_body + 1
    local sum = 0
    for i = 1, 9 do
      sum = sum + tonumber(body:sub(i, i)) * (11 - i)
    end
    local check = 11 - sum % 11
    if check == 11 then check = 0 end
    if check ~= 10 then return body .. check end
  end
end

local function take()
  local item = items[(position - 1) % #items + 1]
  position = position + stride
  return item
end

function request()
  if mode == "get" then
    return wrk.format("GET", take(), headers)
  elseif mode == "post_patient" then
    local body = '{"nhs_number":"' .. nhs_number() ..
      '","name":"Siân O\'Brien-McKenzie","date_of_birth":"1985-03-14","postcode":"sw1a1aa"}'
    return wrk.format("POST", "/api/v1/patients/", headers, body)
  elseif mode == "post_invalid" then
    local body = '{"nhs_number":"9434765910","name":"Ada Lovelace",' ..
      '"date_of_birth":"1985-03-14","postcode":"SW1A 1AA"}'
    return wrk.format("POST", "/api/v1/patients/", headers, body)
  elseif mode == "post_appointment" then
    local starts_at = os.date("!%Y-%m-%dT%H:00:00+00:00", 1924992000 + next_hour * 3600)
    next_hour = next_hour + 1
    local body = '{"patient":"' .. take() .. '","starts_at":"' .. starts_at .. '",' ..
      '"duration":"45m","clinician":' .. clinician .. ',"department":' .. department ..
      ',"postcode":"sw1a1aa"}'
    return wrk.format("POST", "/api/v1/appointments/", headers, body)
  elseif mode == "cancel" then
    return wrk.format("POST", "/api/v1/appointments/" .. take() .. "/cancel/", headers)
  end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, n in pairs(counts) do
      merged[status] = (merged[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(merged) do
    parts[#parts + 1] = string.format('"%d":%d', status, n)
  end
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},"statuses":{%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    table.concat(parts, ",")))
end
