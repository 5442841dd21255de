-- Staging tables left by processes that ended without dropping them: a
-- process names its own with a random suffix and recreates it if missing,
-- so one not created in the last day is nobody's.
SELECT name
FROM system.tables
WHERE database = currentDatabase()
  AND (startsWith(name, 'imscope_stage_') OR startsWith(name, 'imscope_skip_'))
  AND metadata_modification_time < now() - INTERVAL 1 DAY
