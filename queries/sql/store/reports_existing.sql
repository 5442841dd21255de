-- The staged shares whose key (period, publisher, basis, network) is stored
-- already, with the stored figure as market_reports.sql reads it (the latest
-- import).
SELECT s.ord, t.share, t.bound, t.note
FROM {stage:Identifier} AS s
INNER JOIN
(
    SELECT period, publisher, basis, network, share, bound, note
    FROM market_reports FINAL
    WHERE (period, publisher, basis, network) IN (SELECT period, publisher, basis, network FROM {stage:Identifier})
) AS t USING (period, publisher, basis, network)
