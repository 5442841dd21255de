-- The current build of one panel period (generation 0 when there is none)
-- and the period's rows now: how many, and the sum of a hash of each. The
-- build is fresh when it read exactly those rows. The count and the sum are
-- answered from panel_activity's period_digest projection in a few
-- milliseconds; the hash expression must stay the projection's, letter for
-- letter, for ClickHouse to use it.
SELECT
    build.b.1 AS generation,
    build.b.2 AS source_rows,
    build.b.3 AS source_hash,
    build.b.4 AS networks,
    rows_now.n AS current_rows,
    rows_now.h AS current_hash
FROM (
    SELECT argMax((generation, source_rows, source_hash, networks), generation) AS b
    FROM panel_users_builds
    WHERE period = {period:Date}
) AS build
CROSS JOIN (
    SELECT count() AS n, sum(cityHash64(user_key, network, segment, active_days, messages)) AS h
    FROM panel_activity
    WHERE period = {period:Date}
) AS rows_now
