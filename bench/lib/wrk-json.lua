-- wrk: print the run's summary as one `WRKJSON {...}` line for bench/lib/benchlib.py.
-- Scripts that need more use `require`-free copying: dofile(this) then set extra_json().
-- Latencies are microseconds; bytes are response bytes including headers.

extra_json = extra_json or function() return "" end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'WRKJSON {"duration_us":%d,"requests":%d,"bytes":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"latency_us":{"min":%d,"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d}%s}\n',
      summary.duration, summary.requests, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.min, latency.mean, latency.max,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
      extra_json()))
end
