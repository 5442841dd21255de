-- Monthly rollup: month, quarter and year questions read this instead of
-- usage_daily (queries.UsageTotals picks it when the range starts and ends
-- on the first of a month). A question's cost in a rollup is set by the
-- parts it opens more than by its rows: usage_daily is partitioned by month,
-- so three years of monthly totals opened 36 parts and took ~18 ms, while
-- this table, unpartitioned and ~2,400 rows a year for 200 series, answers
-- the same question from one part in ~4 ms (BENCHMARKS.md).
--
-- Every statement is safe to run again, and the file as a whole too: a run
-- interrupted before it was recorded is undone by the two DROPs and rebuilt
-- from usage_daily, which holds everything the monthly rollup derives from.
-- The view is created before the backfill reads usage_daily, so rows written
-- while it runs by another process would be counted twice: imscope applies
-- migrations before its collectors start; with several imscope processes on
-- one server, stop the others while this one migrates.
DROP TABLE IF EXISTS usage_monthly_mv ON CLUSTER `imscope`;
DROP TABLE IF EXISTS usage_monthly ON CLUSTER `imscope`;
DROP TABLE IF EXISTS usage_monthly_local ON CLUSTER `imscope` SYNC;

-- day is the month's first day, named as in usage_daily so that one query
-- (usage_totals.sql) reads either rollup.
CREATE TABLE IF NOT EXISTS usage_monthly_local ON CLUSTER `imscope`
(
    day      Date,
    metric   LowCardinality(String),
    segment  LowCardinality(String),
    network  LowCardinality(String),
    total    AggregateFunction(sum, Float64),
    mean     AggregateFunction(avg, Float64),
    peak     AggregateFunction(max, Float64),
    latest   AggregateFunction(argMax, Float64, DateTime64(3, 'UTC')),
    samples  AggregateFunction(count)
)
ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
ORDER BY (metric, segment, network, day)
SETTINGS replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS usage_monthly ON CLUSTER `imscope` AS usage_monthly_local
ENGINE = Distributed('imscope', 'imscope', 'usage_monthly_local', rand());

-- Fed from usage_daily rather than from usage_samples: what an insert adds
-- to usage_daily is already one row per day and series, so merging it into
-- months costs ~3% on top of an insert of usage rows, where aggregating the
-- raw rows again cost ~22% (10 M generated rows, medians of 5: 5.23 s
-- without the view, 5.37 s fed from usage_daily, 6.40 s from usage_samples).
-- An insert deduplicated by its token reaches neither rollup.
CREATE MATERIALIZED VIEW IF NOT EXISTS usage_monthly_mv ON CLUSTER `imscope` TO usage_monthly_local AS
SELECT month AS day, metric, segment, network, total, mean, peak, latest, samples
FROM (
    SELECT
        toStartOfMonth(day)           AS month,
        metric,
        segment,
        network,
        sumMergeState(total)          AS total,
        avgMergeState(mean)           AS mean,
        maxMergeState(peak)           AS peak,
        argMaxMergeState(latest)      AS latest,
        countMergeState(samples)      AS samples
    FROM usage_daily_local
    GROUP BY month, metric, segment, network
);

INSERT INTO usage_monthly (day, metric, segment, network, total, mean, peak, latest, samples)
SELECT
    toStartOfMonth(day)           AS month,
    metric,
    segment,
    network,
    sumMergeState(total),
    avgMergeState(mean),
    maxMergeState(peak),
    argMaxMergeState(latest),
    countMergeState(samples)
FROM usage_daily
GROUP BY month, metric, segment, network;
