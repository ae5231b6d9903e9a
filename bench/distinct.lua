-- wrk script: every request a distinct SPARQL query, so that no cache can answer it.
--   wrk ... -s bench/distinct.lua URL -- TEMPLATE PATH [EXTRA]
-- TEMPLATE holds one %d, replaced by a number unique to the request (in a condition that never
-- changes the answer); PATH is the endpoint's path; EXTRA is appended to the query string
-- (a baseline's default-graph-uri parameters, already encoded).
local counter = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  template = args[1]
  path = args[2] or "/sparql"
  extra = args[3] or ""
end

local function encode(text)
  return (string.gsub(text, "([^%w%-_%.~])", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

function request()
  counter = counter + 1
  local text = string.format(template, id * 1000000000 + counter)
  local target = path .. "?query=" .. encode(text) .. extra
  return wrk.format("GET", target, { ["Accept"] = "application/sparql-results+json" })
end
