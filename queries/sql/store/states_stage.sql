-- The staging table of bridge_states (see usage_stage.sql).
CREATE TABLE IF NOT EXISTS {stage:Identifier} ENGINE = Memory AS
SELECT toUInt32(0) AS ord, ts, source, bridge, remote_id, state, up, error, message
FROM bridge_states
LIMIT 0
