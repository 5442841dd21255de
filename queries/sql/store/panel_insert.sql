-- Stores the staged rows whose key is not stored yet: {skip} lists the
-- staged rows panel_existing.sql found stored (queries.Store).
-- The staged rows [first, end) only: a large batch is copied a chunk at a
-- time, each chunk about queries.DefaultStatementTarget long.
INSERT INTO panel_activity (period, user_key, network, segment, active_days, messages)
SELECT period, user_key, network, segment, active_days, messages
FROM {stage:Identifier}
WHERE ord >= {first:UInt32} AND ord < {end:UInt32}
  AND ord NOT IN (SELECT ord FROM {skip:Identifier})
