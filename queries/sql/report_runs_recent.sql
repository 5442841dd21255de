-- The latest version of each run of one report ('' for every report),
-- newest scheduled first, at most limit of each report.
SELECT run_id, report, trigger, scheduled_for, started_at, finished_at, granularity, period_label,
       period_from, period_to, time_zone, status, late, error, notes, files,
       delivery_destination, delivery_kind, delivery_status, delivery_attempts, delivery_error,
       resumed, summary, facts
FROM report_runs FINAL
WHERE {report:String} = '' OR report = {report:String}
ORDER BY scheduled_for DESC, started_at DESC, run_id
LIMIT {limit:UInt32} BY report
