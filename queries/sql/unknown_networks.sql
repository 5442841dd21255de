-- Network ids the stored data names that the catalog ({known}) does not,
-- with how many rows name each: the Collectors page lists them from here,
-- so what was flagged while loading is still listed after a restart. The
-- counts come from network_rows, which materialized views keep as rows land
-- (migration 025), and from market_reports, read FINAL since a corrected
-- share replaces the row it corrects; no table of measurements is scanned.
SELECT network, sum(n) AS rows
FROM
(
    SELECT network, sum(rows) AS n FROM network_rows GROUP BY network
    UNION ALL
    SELECT network, count() AS n FROM market_reports FINAL GROUP BY network
)
WHERE NOT has({known:Array(String)}, network)
GROUP BY network
ORDER BY rows DESC, network
