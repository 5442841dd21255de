-- Retention: forget runs of a report whose files have been deleted.
DELETE FROM {{local "report_runs"}}{{on_cluster}} WHERE report = {report:String} AND run_id IN {ids:Array(UUID)}
