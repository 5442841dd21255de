-- A run interrupted by a shutdown is resumed at the next start rather than
-- lost: status 'interrupted' tells it from a failure (and a delivery's
-- status 'pending' or 'interrupted' from one that gave up); resumed counts
-- the starts it was resumed at. summary and facts keep what the run's
-- messages say besides its files, so a run whose files were written
-- delivers the same report when it resumes, without rendering it again.
-- Runs recorded before this migration have resumed 0 and no summary.
ALTER TABLE report_runs_local ON CLUSTER `imscope` MODIFY COLUMN IF EXISTS status Enum8('running' = 0, 'ok' = 1, 'partial' = 2, 'failed' = 3, 'missed' = 4, 'interrupted' = 5);
ALTER TABLE report_runs ON CLUSTER `imscope` MODIFY COLUMN IF EXISTS status Enum8('running' = 0, 'ok' = 1, 'partial' = 2, 'failed' = 3, 'missed' = 4, 'interrupted' = 5);
ALTER TABLE report_runs_local ON CLUSTER `imscope` ADD COLUMN IF NOT EXISTS resumed UInt16 DEFAULT 0 AFTER late;
ALTER TABLE report_runs ON CLUSTER `imscope` ADD COLUMN IF NOT EXISTS resumed UInt16 DEFAULT 0 AFTER late;
ALTER TABLE report_runs_local ON CLUSTER `imscope` ADD COLUMN IF NOT EXISTS summary String DEFAULT '' AFTER files;
ALTER TABLE report_runs ON CLUSTER `imscope` ADD COLUMN IF NOT EXISTS summary String DEFAULT '' AFTER files;
ALTER TABLE report_runs_local ON CLUSTER `imscope` ADD COLUMN IF NOT EXISTS facts String DEFAULT '' AFTER summary;
ALTER TABLE report_runs ON CLUSTER `imscope` ADD COLUMN IF NOT EXISTS facts String DEFAULT '' AFTER summary;
