-- Traffic per route and time step from the per-minute rollup: totals and
-- the merged latency histogram (buckets summed, never quantiles averaged).
-- {step} is in seconds, counted from {from}; a step as long as the range
-- gives one row per route.
SELECT
    toStartOfInterval(minute, toIntervalSecond({step:UInt32}), toDateTime({from:DateTime64(3, 'UTC')}, 'UTC'), 'UTC') AS ts,
    bridge,
    from_network,
    to_network,
    sum(messages)        AS messages,
    sum(failures)        AS failures,
    sum(bytes)           AS bytes,
    sumMapMerge(latency) AS latency,
    toFloat64(sum(latency_sum)) AS latency_sum
FROM bridge_traffic_1m
WHERE minute >= {from:DateTime64(3, 'UTC')}
  AND minute < {to:DateTime64(3, 'UTC')}
GROUP BY ts, bridge, from_network, to_network
ORDER BY ts, bridge, from_network, to_network
