-- Segments that appear in usage (the daily rollup) or panel data, for
-- filter pickers; '' (the whole market) is included when present.
SELECT segment
FROM
(
    SELECT DISTINCT toString(segment) AS segment FROM usage_daily
    UNION DISTINCT
    SELECT DISTINCT toString(segment) AS segment FROM panel_activity
)
ORDER BY segment
