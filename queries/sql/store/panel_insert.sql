-- Stores the staged rows whose key is not stored yet: {skip} lists the
-- staged rows panel_existing.sql found stored (queries.Store).
INSERT INTO panel_activity (period, user_key, network, segment, active_days, messages)
SELECT period, user_key, network, segment, active_days, messages
FROM {stage:Identifier}
WHERE ord NOT IN (SELECT ord FROM {skip:Identifier})
