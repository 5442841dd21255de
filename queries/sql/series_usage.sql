-- A usage metric per day for alert rules, over the networks the labels
-- select ('' = all), summed across networks.
SELECT day AS ts,
       multiIf({agg:String} = 'sum', sumMerge(total),
               {agg:String} = 'max', maxMerge(peak),
               {agg:String} = 'last', argMaxMerge(latest),
               avgMerge(mean)) AS value
FROM usage_daily
WHERE metric = {metric:String}
  AND segment = {segment:String}
  AND ({network:String} = '' OR network = {network:String})
  AND day >= toDate32({from:DateTime64(3, 'UTC')}) AND day < toDate32({to:DateTime64(3, 'UTC')})
GROUP BY ts
ORDER BY ts
