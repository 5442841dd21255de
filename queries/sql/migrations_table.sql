-- Which schema migrations have run, so each runs once.
CREATE TABLE IF NOT EXISTS {{local "schema_migrations"}}{{on_cluster}}
(
    version     UInt32,
    name        String,
    checksum    String,
    applied_at  DateTime64(3, 'UTC')
)
ENGINE = {{engine "ReplacingMergeTree(applied_at)"}}
ORDER BY version;{{distributed "schema_migrations" "version"}}
