-- Retention: forget runs of a report whose files have been deleted.
DELETE FROM report_runs_local ON CLUSTER `imscope` WHERE report = {report:String} AND run_id IN {ids:Array(UUID)}
