-- The staged shares whose key (period, publisher, basis, network) is stored
-- already, with the stored figure as market_reports.sql reads it (the latest
-- import).
-- GLOBAL IN: the staging table lives on this node only; on a cluster the
-- shards get the staged set from it (a plain IN would look for it there).
SELECT s.ord, t.share, t.bound, t.note
FROM {stage:Identifier} AS s
INNER JOIN
(
    SELECT period, publisher, basis, network, share, bound, note
    FROM market_reports FINAL
    WHERE (period, publisher, basis, network) GLOBAL IN (SELECT period, publisher, basis, network FROM {stage:Identifier})
) AS t USING (period, publisher, basis, network)
