-- Latency sums become exact decimals (microsecond resolution). A Float64 sum
-- depends on the order its terms are added in, and ClickHouse adds them in
-- whatever order its threads and background merges happen to produce: the
-- same route's mean latency came back with different last digits from one
-- query to the next (max_threads 1, 2, 8 and 16 gave four answers), so a
-- report's CSV and the API's disagreed under load. A decimal sum is exact,
-- so every order gives the same answer.
--
-- The rollup stores Decimal128: sum over Decimal64 returns Decimal128, and a
-- SimpleAggregateFunction column must hold its function's result type.
-- Converting is a cast (seconds stay seconds, rounded to the microsecond),
-- so running this file again changes nothing.
ALTER TABLE bridge_traffic_local ON CLUSTER `imscope` MODIFY COLUMN IF EXISTS latency_sum Decimal64(6);
ALTER TABLE bridge_traffic ON CLUSTER `imscope` MODIFY COLUMN IF EXISTS latency_sum Decimal64(6);
ALTER TABLE bridge_traffic_1m_local ON CLUSTER `imscope` MODIFY COLUMN IF EXISTS latency_sum SimpleAggregateFunction(sum, Decimal128(6));
ALTER TABLE bridge_traffic_1m ON CLUSTER `imscope` MODIFY COLUMN IF EXISTS latency_sum SimpleAggregateFunction(sum, Decimal128(6));
