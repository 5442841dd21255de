-- What each run stored, beside what it read (rows): a run that read 2 M rows
-- and stored 1.9 M before the disk filled, or a re-import that stored
-- nothing new, says so. Runs recorded before this migration read 0 here.
ALTER TABLE collector_runs_local ON CLUSTER `imscope` ADD COLUMN IF NOT EXISTS stored UInt64 DEFAULT 0 AFTER rows;
ALTER TABLE collector_runs ON CLUSTER `imscope` ADD COLUMN IF NOT EXISTS stored UInt64 DEFAULT 0 AFTER rows;
ALTER TABLE collector_runs_local ON CLUSTER `imscope` ADD COLUMN IF NOT EXISTS existing UInt64 DEFAULT 0 AFTER stored;
ALTER TABLE collector_runs ON CLUSTER `imscope` ADD COLUMN IF NOT EXISTS existing UInt64 DEFAULT 0 AFTER stored;
ALTER TABLE collector_runs_local ON CLUSTER `imscope` ADD COLUMN IF NOT EXISTS conflicts UInt64 DEFAULT 0 AFTER existing;
ALTER TABLE collector_runs ON CLUSTER `imscope` ADD COLUMN IF NOT EXISTS conflicts UInt64 DEFAULT 0 AFTER existing;
