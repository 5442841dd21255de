-- Usage per network and period for one metric and segment, from a rollup:
-- {rollup} is usage_daily, or usage_monthly (whose day is each month's first)
-- when the periods are whole months and the range runs from a first of the
-- month to a first of the month, so that both read the same days. {agg}
-- picks the metric's aggregation: counters sum their increments; gauges take
-- the mean, the peak or the latest level.
SELECT
    multiIf({granularity:String} = 'day', day,
            {granularity:String} = 'week', toMonday(day),
            {granularity:String} = 'month', toStartOfMonth(day),
            {granularity:String} = 'quarter', toStartOfQuarter(day),
            toStartOfYear(day)) AS period,
    network,
    multiIf({agg:String} = 'sum', sumMerge(total),
            {agg:String} = 'max', maxMerge(peak),
            {agg:String} = 'last', argMaxMerge(latest),
            avgMerge(mean)) AS value,
    countMerge(samples) AS samples
FROM {rollup:Identifier}
WHERE metric = {metric:String}
  AND segment = {segment:String}
  AND day >= toDate32({from:DateTime64(3, 'UTC')})
  AND day < toDate32({to:DateTime64(3, 'UTC')})
  AND (empty({networks:Array(String)}) OR has({networks:Array(String)}, network))
GROUP BY period, network
ORDER BY period, network
