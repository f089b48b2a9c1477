-- wrk script for bench/soak: every wrk thread is ONE reader (run with -t N -c N), so a response
-- belongs to the request this thread sent last, and each reader can act like an HLS player.
--
-- Environment:
--   SOAK_SESSIONS     comma-separated session ids being recorded (required)
--   SOAK_API_READERS  how many of the readers are API users (default 20); the rest are players
--   SOAK_THINK_MS     pause between a reader's requests (default 0: closed loop, as fast as served)
--   SOAK_TOKEN        sent as `Authorization: Bearer` when set
--
-- A player loops over its session: GET index.m3u8 (parsed for the segment list), then one of
-- GET the newest segment / Range bytes=0-65535 of it / Range bytes=-65536 (suffix) of the one
-- before / Range bytes=N- of a random older one, then the playlist again; every 8th request it
-- asks the API about its session. An API user rotates GET /sessions?limit=50, /healthz,
-- /sessions/{id}, /sessions?status=recording&limit=10.
--
-- Expected: 200 for whole files and API, 206 for ranges. Anything else, and every request that got
-- no response (reset, timeout, connection error: noticed when wrk asks for the next request while
-- one is still outstanding, after the first response), is a failure, recorded with the request that caused it.

local sessions = {}
for s in string.gmatch(os.getenv("SOAK_SESSIONS") or "", "[^,]+") do sessions[#sessions + 1] = s end
local api_readers = tonumber(os.getenv("SOAK_API_READERS") or "20")
local think = tonumber(os.getenv("SOAK_THINK_MS") or "0")
local token = os.getenv("SOAK_TOKEN")

-- ---- main state ----
local threads = {}
function setup(thread)
   threads[#threads + 1] = thread
   thread:set("id", #threads)
end

-- ---- per-thread state (each thread runs this file in its own Lua state) ----
kinds = {}      -- kind → requests sent
statuses = {}   -- "status" → responses
failures = {}   -- "what → request" → count
nfailures = 0
playlists = 0   -- parsed playlists
responses = 0
maxsegs = 0     -- longest playlist seen (segments)

local step, segs, session = 0, {}, nil
local pending, expect, desc, kind = false, nil, nil, nil

local function fail(what)
   nfailures = nfailures + 1
   local key = what .. " <- " .. (desc or "?")
   if failures[key] or nfailures <= 50 then failures[key] = (failures[key] or 0) + 1 end
end

function init(args)
   math.randomseed(id * 7919 + os.time())
   session = sessions[(id % #sessions) + 1]
   if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
end

local function api_request()
   local n = step % 4
   if n == 0 then return "/sessions?limit=50", nil, "api_list"
   elseif n == 1 then return "/healthz", nil, "api_health"
   elseif n == 2 then return "/sessions/" .. sessions[math.random(#sessions)], nil, "api_session"
   else return "/sessions?status=recording&limit=10", nil, "api_list" end
end

local function player_request()
   if step % 8 == 7 then return "/sessions/" .. session, nil, "api_session" end
   if #segs == 0 or step % 2 == 0 then return "/" .. session .. "/index.m3u8", nil, "playlist" end
   local base = "/" .. session .. "/"
   local r = math.random(10)
   if r <= 5 then return base .. segs[#segs], nil, "segment"
   elseif r <= 7 then return base .. segs[#segs], "bytes=0-65535", "range"
   elseif r <= 8 then return base .. segs[math.max(1, #segs - 1)], "bytes=-65536", "range_suffix"
   else return base .. segs[math.random(#segs)], "bytes=" .. math.random(0, 4095) .. "-", "range_open" end
end

function request()
   if pending then
      -- wrk calls request() once in thread 1's state before the run to verify the script (wrk.c
      -- script_verify_request): that one was never sent. Later, a request still outstanding when
      -- wrk asks for the next one had its connection fail (reset, EOF, connect error).
      if responses > 0 then fail("no response (connection reset/closed or error)")
      else kinds[kind] = kinds[kind] - 1 end
   end
   step = step + 1
   local path, range, k
   if id <= api_readers then path, range, k = api_request() else path, range, k = player_request() end
   kind, expect = k, (range and 206 or 200)
   desc = "GET " .. path .. (range and (" Range: " .. range) or "")
   kinds[k] = (kinds[k] or 0) + 1
   pending = true
   return wrk.format("GET", path, range and { Range = range } or nil)
end

function response(status, headers, body)
   pending = false
   responses = responses + 1
   statuses[tostring(status)] = (statuses[tostring(status)] or 0) + 1
   if status ~= expect then
      fail("HTTP " .. status)
      return
   end
   if kind == "playlist" then
      if string.sub(body, 1, 7) ~= "#EXTM3U" then fail("not a playlist"); return end
      local list = {}
      for line in string.gmatch(body, "[^\r\n]+") do
         if string.sub(line, 1, 1) ~= "#" then list[#list + 1] = line end
      end
      segs = list
      playlists = playlists + 1
      if #list > maxsegs then maxsegs = #list end
   end
end

if think > 0 then
   function delay() return math.random(math.floor(think / 2), think + math.floor(think / 2)) end
end

-- ---- report (main state) ----
local function json(v)
   if type(v) == "table" then
      local parts = {}
      for k, x in pairs(v) do parts[#parts + 1] = string.format("%q", tostring(k)) .. ":" .. json(x) end
      return "{" .. table.concat(parts, ",") .. "}"
   elseif type(v) == "string" then
      return string.format("%q", v)
   end
   return tostring(v)
end

local function add(into, from)
   for k, n in pairs(from or {}) do into[k] = (into[k] or 0) + n end
end

function done(summary, latency, requests)
   local k, s, f, total_fail, parsed, longest = {}, {}, {}, 0, 0, 0
   for _, t in ipairs(threads) do
      add(k, t:get("kinds")); add(s, t:get("statuses")); add(f, t:get("failures"))
      total_fail = total_fail + (t:get("nfailures") or 0)
      parsed = parsed + (t:get("playlists") or 0)
      longest = math.max(longest, t:get("maxsegs") or 0)
   end
   local e = summary.errors
   io.write(string.format(
      'WRKJSON {"duration_us":%d,"requests":%d,"bytes":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"latency_us":{"min":%d,"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d},' ..
      '"kinds":%s,"statuses":%s,"failures":%s,"failure_count":%d,"playlists_parsed":%d,"longest_playlist":%d}\n',
      summary.duration, summary.requests, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.min, latency.mean, latency.max,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
      json(k), json(s), json(f), total_fail, parsed, longest))
end
