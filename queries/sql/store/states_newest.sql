-- The newest time stamp stored in bridge_states from one source (1970-01-01 when
-- none): a row of that source stamped later cannot be stored yet, so
-- queries.Store writes such rows without looking their keys up.
SELECT max(ts) FROM bridge_states WHERE source = {source:String}
