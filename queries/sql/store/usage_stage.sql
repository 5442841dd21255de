-- The staging table of usage_samples: a batch lands here first, so that only
-- rows whose key is not stored yet go on to usage_samples (and to the
-- rollups its materialized views feed). ord is the row's place in the batch.
CREATE TABLE IF NOT EXISTS {stage:Identifier} ENGINE = Memory AS
SELECT toUInt32(0) AS ord, ts, source, network, metric, segment, value
FROM usage_samples
LIMIT 0
