-- Retention: forget runs of a report whose files have been deleted.
DELETE FROM report_runs WHERE report = {report:String} AND run_id IN {ids:Array(UUID)}
