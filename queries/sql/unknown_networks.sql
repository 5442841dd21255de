-- Network ids the stored data names that the catalog ({known}) does not,
-- with how many rows name each, over every table that names networks: the
-- Collectors page lists them from here, so what was flagged while loading
-- is still listed after a restart. A bridge row counts once for each end it
-- names (an id at both ends once); market_reports is read FINAL, as a
-- corrected share replaces the row it corrects. Each branch first groups
-- its LowCardinality network columns, so only those columns are read and
-- the catalog test runs once per distinct id, not per row. The cost is one
-- scan of the network columns, mostly panel_activity's (see BENCHMARKS.md).
SELECT network, sum(n) AS rows
FROM
(
    SELECT network, count() AS n FROM usage_samples GROUP BY network
    UNION ALL
    SELECT network, count() AS n FROM panel_activity GROUP BY network
    UNION ALL
    SELECT network, count() AS n FROM market_reports FINAL GROUP BY network
    UNION ALL
    SELECT arrayJoin(arrayDistinct([from_network, to_network])) AS network, n
    FROM (SELECT from_network, to_network, count() AS n FROM bridge_traffic GROUP BY from_network, to_network)
)
WHERE NOT has({known:Array(String)}, network)
GROUP BY network
ORDER BY rows DESC, network
