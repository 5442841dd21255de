-- The staging table of market_reports (see usage_stage.sql).
CREATE TABLE IF NOT EXISTS {stage:Identifier} ENGINE = Memory AS
SELECT toUInt32(0) AS ord, period, period_start, publisher, basis, network, share, bound, note
FROM market_reports
LIMIT 0
