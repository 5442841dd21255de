SELECT version, argMax(name, applied_at) AS name, argMax(checksum, applied_at) AS checksum
FROM schema_migrations
GROUP BY version
ORDER BY version
