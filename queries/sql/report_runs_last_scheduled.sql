-- Each report's latest schedule slot on record (manual runs have none), to
-- tell a run missed while imscope was down.
SELECT report, max(scheduled_for) AS last
FROM report_runs FINAL
WHERE trigger != 'manual'
GROUP BY report
