-- Whether any staged row of panel_activity may have its key stored: a
-- stored row with one of the staged user keys in one of the staged periods.
-- When none has (every batch of a new import), queries.Store skips the
-- lookup of panel_existing.sql, whose sets and join cost about 50 ms a
-- 100,000-row batch however little is stored; this reads one column of the
-- staged periods and stops at the first match. GLOBAL IN as there.
SELECT 1
FROM panel_activity
PREWHERE user_key GLOBAL IN (SELECT user_key FROM {stage:Identifier})
WHERE period GLOBAL IN (SELECT period FROM {stage:Identifier})
LIMIT 1
