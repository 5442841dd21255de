-- Stores the staged rows whose key is not stored yet: {skip} lists the
-- staged rows bridge_existing.sql found stored (queries.Store).
INSERT INTO bridge_traffic (ts, source, bridge, from_network, to_network, messages, failures, bytes, latency, latency_sum)
SELECT ts, source, bridge, from_network, to_network, messages, failures, bytes, latency, latency_sum
FROM {stage:Identifier}
WHERE ord NOT IN (SELECT ord FROM {skip:Identifier})
