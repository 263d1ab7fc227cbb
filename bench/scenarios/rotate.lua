-- Cycles through the requests in BENCH_DATA (each thread its own slice);
-- read scenarios repeat them, write scenarios get enough lines not to.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

local items, position

function setup(thread)
  common.setup(thread)
end

function init(_args)
  items = common.load()
  position = 0
end

function request()
  position = position % #items + 1
  local item = items[position]
  local method = (#item.body > 0) and "POST" or "GET"
  return wrk.format(method, item.path, common.headers(item), (#item.body > 0) and item.body or nil)
end

function done(summary, latency, requests)
  common.done(summary, latency, requests)
end
