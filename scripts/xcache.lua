-- Counts the X-Cache header of every answer (miss: the request waited for a fill).
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) hits = 0; misses = 0; other = 0 end
function response(status, headers, body)
  local x = headers["X-Cache"]
  if x == "hit" then hits = hits + 1 elseif x == "miss" then misses = misses + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local h, m, o = 0, 0, 0
  for _, t in ipairs(threads) do h = h + t:get("hits"); m = m + t:get("misses"); o = o + t:get("other") end
  io.write(string.format("X-Cache: hit %d, miss %d (%.2f%%), none %d\n", h, m, 100 * m / math.max(h + m, 1), o))
end
