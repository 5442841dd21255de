-- Stores the staged rows whose key is not stored yet: {skip} lists the
-- staged rows states_existing.sql found stored (queries.Store).
-- The staged rows [first, end) only: a large batch is copied a chunk at a
-- time, each chunk about queries.DefaultStatementTarget long.
INSERT INTO bridge_states (ts, source, bridge, remote_id, state, up, error, message)
SELECT ts, source, bridge, remote_id, state, up, error, message
FROM {stage:Identifier}
WHERE ord >= {first:UInt32} AND ord < {end:UInt32}
  AND ord NOT IN (SELECT ord FROM {skip:Identifier})
