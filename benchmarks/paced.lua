-- wrk script for load.sh's latency below saturation: each connection waits this many milliseconds
-- after a response before it sends its next request, so the server is offered a steady rate it
-- can serve instead of as many requests as it can take. wrk times a request from its send, so the
-- pause is not in the latency.
local pause = tonumber(os.getenv("TREEPROF_PACE_MS") or "1")

function delay()
  return pause
end
