-- The insertable columns of a table, in order, for RowBinary batch files.
SELECT name, type
FROM system.columns
WHERE database = {db:String}
  AND table = {table:String}
  AND default_kind NOT IN ('MATERIALIZED', 'ALIAS', 'EPHEMERAL')
ORDER BY position
