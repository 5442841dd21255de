-- Runs a shutdown interrupted, to resume at start, oldest slot first; with
-- {crashed}, also the runs still 'running' that started before {before},
-- this process's start: a process that holds the database alone (the
-- embedded engine) knows that no other runs them, so they were left by a
-- process that stopped without shutting down.
SELECT run_id, report, trigger, scheduled_for, started_at, finished_at, granularity, period_label,
       period_from, period_to, time_zone, status, late, error, notes, files,
       delivery_destination, delivery_kind, delivery_status, delivery_attempts, delivery_error,
       resumed, summary, facts
FROM report_runs FINAL
WHERE status = 'interrupted' OR ({crashed:Bool} AND status = 'running' AND started_at < {before:DateTime64(3, 'UTC')})
ORDER BY scheduled_for, started_at, run_id
