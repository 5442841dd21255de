-- How many rows each of the given panel periods holds, from the digest
-- projection ClickHouse keeps (migration 008): a few milliseconds however
-- large the periods (queries' newPeriods).
SELECT period, count()
FROM panel_activity
WHERE period IN {periods:Array(Date)}
GROUP BY period
