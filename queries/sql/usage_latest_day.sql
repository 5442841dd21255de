-- The latest day with usage of one metric in one segment in [from, to),
-- from the daily rollup, whatever the network: where usage questions
-- without a range end by default. No row when the range has no usage.
SELECT max(day) AS latest
FROM usage_daily
WHERE metric = {metric:String}
  AND segment = {segment:String}
  AND day >= toDate32({from:DateTime64(3, 'UTC')})
  AND day < toDate32({to:DateTime64(3, 'UTC')})
HAVING count() > 0
