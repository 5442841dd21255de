-- The same question as usage_totals.sql answered from raw samples. It checks
-- the rollup in tests and is the baseline the rollup is benchmarked against.
SELECT
    multiIf({granularity:String} = 'day', toDate(ts),
            {granularity:String} = 'week', toMonday(ts),
            {granularity:String} = 'month', toStartOfMonth(ts),
            {granularity:String} = 'quarter', toStartOfQuarter(ts),
            toStartOfYear(ts)) AS period,
    network,
    multiIf({agg:String} = 'sum', sum(value),
            {agg:String} = 'max', max(value),
            {agg:String} = 'last', argMax(value, ts),
            avg(value)) AS value,
    count() AS samples
FROM usage_samples
WHERE metric = {metric:String}
  AND segment = {segment:String}
  AND ts >= toDateTime64(toDate32({from:DateTime64(3, 'UTC')}), 3, 'UTC')
  AND ts < toDateTime64(toDate32({to:DateTime64(3, 'UTC')}), 3, 'UTC')
  AND (empty({networks:Array(String)}) OR has({networks:Array(String)}, network))
GROUP BY period, network
ORDER BY period, network
