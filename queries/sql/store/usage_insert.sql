-- Stores the staged rows whose key is not stored yet: {skip} lists the
-- staged rows usage_existing.sql found stored (queries.Store).
INSERT INTO usage_samples (ts, source, network, metric, segment, value)
SELECT ts, source, network, metric, segment, value
FROM {stage:Identifier}
WHERE ord NOT IN (SELECT ord FROM {skip:Identifier})
