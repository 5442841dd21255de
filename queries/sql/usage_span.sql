-- The first and last day with any usage, and how many daily rows fall in
-- [from, to): whether a period holds usage, and which periods do. No row
-- when nothing is stored.
SELECT
    min(day) AS first,
    max(day) AS last,
    countIf(day >= toDate32({from:DateTime64(3, 'UTC')}) AND day < toDate32({to:DateTime64(3, 'UTC')})) AS inside
FROM usage_daily
HAVING count() > 0
