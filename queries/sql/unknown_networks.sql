-- Network ids the stored data names that the catalog ({known}) does not,
-- with how many rows name each, when rows naming it were first and last
-- stored, and the sources that sent them (at most {max_sources}): the
-- Collectors page lists them from here, so what was flagged while loading
-- is still listed after a restart. Measurements are counted in
-- network_seen, which materialized views keep as rows land (migration 028);
-- published shares in market_reports itself, read FINAL since a corrected
-- share replaces the row it corrects, their source being the publisher
-- ("publisher:NAME") and their times the import's. No table of
-- measurements is scanned.
SELECT network,
       sum(n) AS rows,
       min(first) AS first_seen,
       max(last) AS last_seen,
       arraySlice(arraySort(arrayDistinct(arrayFilter(s -> s != '', groupArrayArray(sources)))), 1, {max_sources:UInt32}) AS sources
FROM
(
    SELECT network, sum(rows) AS n, min(first_seen) AS first, max(last_seen) AS last, groupUniqArray(source) AS sources
    FROM network_seen
    WHERE NOT has({known:Array(String)}, network)
    GROUP BY network
    UNION ALL
    SELECT network, count() AS n, min(imported_at) AS first, max(imported_at) AS last,
           groupUniqArray(concat('publisher:', publisher)) AS sources
    FROM market_reports FINAL
    WHERE NOT has({known:Array(String)}, network)
    GROUP BY network
)
GROUP BY network
ORDER BY rows DESC, network
