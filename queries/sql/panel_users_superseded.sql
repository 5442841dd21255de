-- Generations of one panel period older than the current one: left by
-- earlier builds, or by a build interrupted before it was recorded.
SELECT DISTINCT generation
FROM panel_users
WHERE period = {period:Date} AND generation < {generation:UInt64}
ORDER BY generation
