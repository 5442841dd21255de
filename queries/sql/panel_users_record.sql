-- A finished build becomes the period's current one.
INSERT INTO panel_users_builds (period, generation, source_rows, source_hash, networks, built_at)
VALUES ({period:Date}, {generation:UInt64}, {source_rows:UInt64}, {source_hash:UInt64}, {networks:Array(String)}, {built_at:DateTime64(3, 'UTC')})
