-- The newest time stamp stored in usage_samples from one source (1970-01-01 when
-- none): a row of that source stamped later cannot be stored yet, so
-- queries.Store writes such rows without looking their keys up.
SELECT max(ts) FROM usage_samples WHERE source = {source:String}
