-- The staged states whose key (ts, bridge, source, remote_id) is stored
-- already, with the stored state.
-- GLOBAL IN: the staging table lives on this node only; on a cluster the
-- shards get the staged set from it (a plain IN would look for it there).
SELECT s.ord, t.state, t.up, t.error, t.message
FROM {stage:Identifier} AS s
INNER JOIN
(
    SELECT ts, source, bridge, remote_id, any(state) AS state, any(up) AS up, any(error) AS error, any(message) AS message
    FROM bridge_states
    PREWHERE ts GLOBAL IN (SELECT ts FROM {stage:Identifier})
    WHERE (bridge, ts, source, remote_id) GLOBAL IN (SELECT bridge, ts, source, remote_id FROM {stage:Identifier})
    GROUP BY ts, source, bridge, remote_id
) AS t USING (ts, source, bridge, remote_id)
