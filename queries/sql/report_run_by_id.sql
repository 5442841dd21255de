-- The latest version of one run, by its id (the file links of the Reports
-- page and of report messages name runs by id).
SELECT run_id, report, trigger, scheduled_for, started_at, finished_at, granularity, period_label,
       period_from, period_to, time_zone, status, late, error, notes, files,
       delivery_destination, delivery_kind, delivery_status, delivery_attempts, delivery_error,
       resumed, summary, facts
FROM report_runs FINAL
WHERE run_id = {id:UUID}
LIMIT 1
