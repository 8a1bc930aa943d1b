-- wrk's summary as one line that the load scripts read: "RESULT requests seconds
-- p50_ms p99_ms non_2xx socket_errors". A wrk script loads it with dofile().
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %.6f %.1f %.1f %d %d\n", summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
