-- Stores the staged shares that are new or differ from the stored ones: a
-- re-published figure replaces the old one (ReplacingMergeTree keeps the
-- latest import). {skip} lists the staged rows not to store (unchanged
-- shares), which queries.Store found with reports_existing.sql.
-- The staged rows [first, end) only: a large batch is copied a chunk at a
-- time, each chunk about queries.DefaultStatementTarget long.
INSERT INTO market_reports (period, period_start, publisher, basis, network, share, bound, note)
SELECT period, period_start, publisher, basis, network, share, bound, note
FROM {stage:Identifier}
WHERE ord >= {first:UInt32} AND ord < {end:UInt32}
  AND ord NOT IN (SELECT ord FROM {skip:Identifier})
