-- Empties a staging table for the next batch.
TRUNCATE TABLE {stage:Identifier}
