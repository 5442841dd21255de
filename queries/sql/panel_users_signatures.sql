-- The question of panel_signatures.sql answered from panel_users: users by
-- the exact set of networks they were active on in one period, counted by
-- bitmask and spelled out from the build's network list.
WITH (SELECT argMax((generation, networks), generation) FROM panel_users_builds WHERE period = {period:Date}) AS b
SELECT arrayFilter((n, i) -> bitTest(mask, i - 1), b.2, arrayEnumerate(b.2)) AS networks, users
FROM (
    SELECT mask, count() AS users
    FROM panel_users
    WHERE period = {period:Date} AND generation = b.1 AND segment = {segment:String}
    GROUP BY mask
)
ORDER BY users DESC, networks
