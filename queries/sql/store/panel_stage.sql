-- The staging table of panel_activity (see usage_stage.sql).
CREATE TABLE IF NOT EXISTS {stage:Identifier} ENGINE = Memory AS
SELECT toUInt32(0) AS ord, period, user_key, network, segment, active_days, messages
FROM panel_activity
LIMIT 0
