-- Stores the staged rows whose key is not stored yet: {skip} lists the
-- staged rows bridge_existing.sql found stored (queries.Store).
-- The staged rows [first, end) only: a large batch is copied a chunk at a
-- time, each chunk about queries.DefaultStatementTarget long.
INSERT INTO bridge_traffic (ts, source, bridge, from_network, to_network, messages, failures, bytes, latency, latency_sum)
SELECT ts, source, bridge, from_network, to_network, messages, failures, bytes, latency, latency_sum
FROM {stage:Identifier}
WHERE ord >= {first:UInt32} AND ord < {end:UInt32}
  AND ord NOT IN (SELECT ord FROM {skip:Identifier})
