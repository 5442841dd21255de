-- The staged rows whose key (ts, network, metric, segment, source) is stored
-- already, with the stored value. This is the one scan of the table a batch
-- costs: PREWHERE reads one column and keeps the rows whose time stamp is
-- staged (a hash set), and only those are matched on the whole key; the IN
-- set of staged keys also lets the primary key skip granules that hold none.
-- GLOBAL IN: the staging table lives on this node only; on a cluster the
-- shards get the staged set from it (a plain IN would look for it there).
SELECT s.ord, t.value
FROM {stage:Identifier} AS s
INNER JOIN
(
    SELECT ts, source, network, metric, segment, any(value) AS value
    FROM usage_samples
    PREWHERE ts GLOBAL IN (SELECT ts FROM {stage:Identifier})
    WHERE (metric, segment, network, ts, source) GLOBAL IN (SELECT metric, segment, network, ts, source FROM {stage:Identifier})
    GROUP BY ts, source, network, metric, segment
) AS t USING (ts, source, network, metric, segment)
