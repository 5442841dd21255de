-- The staged rows whose key (ts, bridge, from_network, to_network, source)
-- is stored already, with the stored figures.
-- GLOBAL IN: the staging table lives on this node only; on a cluster the
-- shards get the staged set from it (a plain IN would look for it there).
SELECT s.ord, t.messages, t.failures, t.bytes, t.latency, toFloat64(t.latency_sum)
FROM {stage:Identifier} AS s
INNER JOIN
(
    SELECT ts, source, bridge, from_network, to_network,
           any(messages) AS messages, any(failures) AS failures, any(bytes) AS bytes,
           any(latency) AS latency, any(latency_sum) AS latency_sum
    FROM bridge_traffic
    PREWHERE ts GLOBAL IN (SELECT ts FROM {stage:Identifier})
    WHERE (bridge, from_network, to_network, ts, source) GLOBAL IN (SELECT bridge, from_network, to_network, ts, source FROM {stage:Identifier})
    GROUP BY ts, source, bridge, from_network, to_network
) AS t USING (ts, source, bridge, from_network, to_network)
