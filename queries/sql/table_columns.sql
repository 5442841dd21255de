-- The columns an INSERT without a column list fills, in table order, with
-- their types: neither MATERIALIZED, ALIAS nor EPHEMERAL ones.
SELECT name, type
FROM system.columns
WHERE database = {db:String}
  AND table = {table:String}
  AND default_kind NOT IN ('MATERIALIZED', 'ALIAS', 'EPHEMERAL')
ORDER BY position
