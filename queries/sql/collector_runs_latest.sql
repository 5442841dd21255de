-- The latest run of each collector, and its last successful run. Columns are
-- qualified with r. because the aliases reuse their names. The error is taken
-- inside a tuple: argMax skips NULL arguments, so argMax(error, ...) gave the
-- last run that had an error, not the last run (whose error is NULL when it
-- went well).
SELECT
    r.collector,
    argMax(r.kind, r.started_at)        AS kind,
    argMax(r.target, r.started_at)      AS target,
    max(r.started_at)                   AS last_started,
    argMax(r.duration_ms, r.started_at) AS duration_ms,
    argMax(r.rows, r.started_at)        AS rows,
    argMax(r.stored, r.started_at)      AS stored,
    argMax(r.existing, r.started_at)    AS existing,
    argMax(r.conflicts, r.started_at)   AS conflicts,
    argMax(r.status, r.started_at)      AS last_status,
    argMax(tuple(r.error), r.started_at).1 AS error,
    argMax(r.warnings, r.started_at)    AS warnings,
    maxIf(r.started_at, r.status != 'error') AS last_ok
FROM collector_runs AS r
GROUP BY r.collector
ORDER BY r.collector
