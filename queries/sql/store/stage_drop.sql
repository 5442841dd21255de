-- Drops a staging table.
DROP TABLE IF EXISTS {stage:Identifier}
