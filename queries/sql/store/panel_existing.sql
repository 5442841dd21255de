-- The staged rows whose key (period, user_key, network, segment) is stored
-- already, with the stored activity.
-- GLOBAL IN: the staging table lives on this node only; on a cluster the
-- shards get the staged set from it (a plain IN would look for it there).
SELECT s.ord, t.active_days, t.messages
FROM {stage:Identifier} AS s
INNER JOIN
(
    SELECT period, segment, user_key, network, any(active_days) AS active_days, any(messages) AS messages
    FROM panel_activity
    PREWHERE user_key GLOBAL IN (SELECT user_key FROM {stage:Identifier})
    WHERE (period, segment, user_key, network) GLOBAL IN (SELECT period, segment, user_key, network FROM {stage:Identifier})
    GROUP BY period, segment, user_key, network
) AS t USING (period, segment, user_key, network)
