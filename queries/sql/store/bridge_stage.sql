-- The staging table of bridge_traffic (see usage_stage.sql).
CREATE TABLE IF NOT EXISTS {stage:Identifier} ENGINE = Memory AS
SELECT toUInt32(0) AS ord, ts, source, bridge, from_network, to_network, messages, failures, bytes, latency, latency_sum
FROM bridge_traffic
LIMIT 0
