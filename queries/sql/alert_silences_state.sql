-- Each silence's latest change: its current matchers and window, and who
-- created it when. Silences that ended before from are left out. Columns are
-- qualified with s. because the aliases reuse their names.
SELECT s.silence_id,
       argMax(s.matchers, s.changed_at)  AS matchers,
       argMax(s.starts_at, s.changed_at) AS starts_at,
       argMax(s.ends_at, s.changed_at)   AS ends_at,
       argMax(s.comment, s.changed_at)   AS comment,
       argMin(s.actor, s.changed_at)     AS created_by,
       min(s.changed_at)                 AS created_at,
       max(s.changed_at)                 AS changed_at
FROM alert_silences AS s
GROUP BY s.silence_id
HAVING ends_at >= {from:DateTime64(3, 'UTC')}
ORDER BY starts_at DESC, s.silence_id
