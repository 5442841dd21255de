-- Which schema migrations have run, so each runs once.
CREATE TABLE IF NOT EXISTS schema_migrations_local ON CLUSTER `imscope`
(
    version     UInt32,
    name        String,
    checksum    String,
    applied_at  DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(applied_at)
ORDER BY version;

CREATE TABLE IF NOT EXISTS schema_migrations ON CLUSTER `imscope` AS schema_migrations_local
ENGINE = Distributed('imscope', 'imscope', 'schema_migrations_local', version);
