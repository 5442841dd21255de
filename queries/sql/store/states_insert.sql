-- Stores the staged rows whose key is not stored yet: {skip} lists the
-- staged rows states_existing.sql found stored (queries.Store).
INSERT INTO bridge_states (ts, source, bridge, remote_id, state, up, error, message)
SELECT ts, source, bridge, remote_id, state, up, error, message
FROM {stage:Identifier}
WHERE ord NOT IN (SELECT ord FROM {skip:Identifier})
