-- The staged rows a batch is not to store (their keys are stored already),
-- by their place in the batch; see usage_insert.sql.
CREATE TABLE IF NOT EXISTS {skip:Identifier} (ord UInt32) ENGINE = Memory
