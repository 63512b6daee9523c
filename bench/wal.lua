-- wal.lua: the mixed load of bench/wal.sh, a wrk(1) script.
--
--   wrk ... -s bench/wal.lua URL -- IDS QUERIES TOKEN GET SEARCH CREATE PATCH
--
-- IDS: a file of note ids (pake_id first on each line, tab-separated, as
-- `corpus --format tsv -` prints); QUERIES: lines "word1 word2<TAB>Type"
-- (`corpus --queries`); TOKEN: the bearer token; GET SEARCH CREATE PATCH:
-- the weights of the four kinds of request (default 70 20 5 5):
--
--   GET   /notes/{id}   a random note of IDS
--   POST  /search       {"query":"w1 w2","sources":["vault"],"max_results":10}
--   POST  /notes        a new note of about 60 words, two tags
--   PATCH /notes/{id}   a random note of IDS gets a new summary and body
--
-- Each request carries X-Request-ID "<kind letter><thread>-<n>", which
-- pake-http sends back, so that each answer is counted under its kind and
-- status class whatever connection it came on.  At the end it prints one
-- line on stdout:
--
--   wal.lua: get=... search=... create=... patch=... 2xx=... 4xx=...
--   5xx=... other=... errors_get=... errors_search=... errors_create=...
--   errors_patch=... first_error=STATUS:KIND
--
-- (errors_*: answers that were not 2xx.)

local threads = {}
local kinds = {"get", "search", "create", "patch"}
local letter = {get = "g", search = "s", create = "c", patch = "p"}
local bykind = {g = "get", s = "search", c = "create", p = "patch"}

function setup(thread)
   thread:set("tid", #threads + 1)
   table.insert(threads, thread)
end

local function lines(path)
   local t = {}
   local f = assert(io.open(path, "r"))
   for l in f:lines() do
      if l ~= "" then table.insert(t, l) end
   end
   f:close()
   return t
end

-- JSON string literal of s (the inputs are ASCII words; escape anyway).
local function q(s)
   return '"' .. s:gsub('[%c"\\]', function(c)
      return string.format("\\u%04x", c:byte())
   end) .. '"'
end

local ids, queries, words, token
local weights, total = {}, 0
local seq = 0

function init(args)
   ids, queries, words = {}, {}, {}
   for _, l in ipairs(lines(args[1])) do
      table.insert(ids, (l:match("^([^\t]+)")))
   end
   for _, l in ipairs(lines(args[2])) do
      local text = l:match("^([^\t]*)")
      table.insert(queries, text)
      for w in text:gmatch("%S+") do table.insert(words, w) end
   end
   token = args[3]
   local def = {70, 20, 5, 5}
   for i = 1, 4 do
      weights[i] = tonumber(args[3 + i] or def[i]) or def[i]
      total = total + weights[i]
   end
   math.randomseed(tid * 7919 + os.time())
   for _, k in ipairs(kinds) do _G["n_" .. k] = 0; _G["e_" .. k] = 0 end
   s2xx, s4xx, s5xx, sother = 0, 0, 0, 0
   first_error = ""
end

local function text(n)
   local t = {}
   for i = 1, n do t[i] = words[math.random(#words)] end
   return table.concat(t, " ")
end

function request()
   local r = math.random() * total
   local kind = "patch"
   for i = 1, 4 do
      if r < weights[i] then kind = kinds[i]; break end
      r = r - weights[i]
   end
   seq = seq + 1
   local h = {
      ["Authorization"] = "Bearer " .. token,
      ["X-Request-ID"] = letter[kind] .. tid .. "-" .. seq,
   }
   _G["n_" .. kind] = _G["n_" .. kind] + 1
   if kind == "get" then
      return wrk.format("GET", "/notes/" .. ids[math.random(#ids)], h)
   end
   h["Content-Type"] = "application/json"
   if kind == "search" then
      return wrk.format("POST", "/search", h, '{"query":' ..
         q(queries[math.random(#queries)]) ..
         ',"sources":["vault"],"max_results":10}')
   elseif kind == "create" then
      return wrk.format("POST", "/notes", h, '{"title":' ..
         q("Load " .. tid .. "-" .. seq .. " " .. text(3)) ..
         ',"content":' .. q(text(60)) .. ',"tags":["bench","wal"]}')
   end
   return wrk.format("PATCH", "/notes/" .. ids[math.random(#ids)], h,
      '{"summary":' .. q("patched " .. tid .. "-" .. seq) ..
      ',"content":' .. q(text(60)) .. '}')
end

function response(status, headers, body)
   local rid = headers["X-Request-ID"] or headers["x-request-id"] or ""
   local kind = bykind[rid:sub(1, 1)] or "get"
   if status >= 200 and status < 300 then
      s2xx = s2xx + 1
      return
   elseif status >= 400 and status < 500 then
      s4xx = s4xx + 1
   elseif status >= 500 then
      s5xx = s5xx + 1
   else
      sother = sother + 1
   end
   _G["e_" .. kind] = _G["e_" .. kind] + 1
   if first_error == "" then
      first_error = status .. ":" .. kind .. ":" ..
         ((body or ""):match('"code":"([^"]*)"') or "")
   end
end

function done(summary, latency, requests)
   local sum = {}
   local names = {"n_get", "n_search", "n_create", "n_patch", "s2xx",
      "s4xx", "s5xx", "sother", "e_get", "e_search", "e_create", "e_patch"}
   local first = ""
   for _, n in ipairs(names) do sum[n] = 0 end
   for _, t in ipairs(threads) do
      for _, n in ipairs(names) do sum[n] = sum[n] + (t:get(n) or 0) end
      local f = t:get("first_error")
      if first == "" and f and f ~= "" then first = f end
   end
   io.write(string.format("wal.lua: get=%d search=%d create=%d patch=%d " ..
      "2xx=%d 4xx=%d 5xx=%d other=%d errors_get=%d errors_search=%d " ..
      "errors_create=%d errors_patch=%d first_error=%s\n",
      sum.n_get, sum.n_search, sum.n_create, sum.n_patch, sum.s2xx,
      sum.s4xx, sum.s5xx, sum.sother, sum.e_get, sum.e_search,
      sum.e_create, sum.e_patch, first == "" and "-" or first))
end
