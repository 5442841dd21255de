-- Usage samples: one row per (time, network, metric, segment) observation.
-- Gauges are stored as observed; counters as per-interval increments, so a
-- period's counter value is a sum and a gauge's an avg/max/last.
CREATE TABLE IF NOT EXISTS usage_samples_local ON CLUSTER `imscope`
(
    ts       DateTime64(3, 'UTC') CODEC(Delta, ZSTD),
    source   LowCardinality(String),
    network  LowCardinality(String),
    metric   LowCardinality(String),
    segment  LowCardinality(String) DEFAULT '',
    value    Float64 CODEC(Gorilla, ZSTD)
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toYYYYMM(ts)
ORDER BY (metric, segment, network, ts)
SETTINGS replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS usage_samples ON CLUSTER `imscope` AS usage_samples_local
ENGINE = Distributed('imscope', 'imscope', 'usage_samples_local', cityHash64(network, metric, segment, ts));

-- Daily rollup: dashboards read this, so their latency depends on days ×
-- networks, not on raw rows. All four aggregations are kept so that any
-- metric's own aggregation can be chosen at query time.
CREATE TABLE IF NOT EXISTS usage_daily_local ON CLUSTER `imscope`
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
PARTITION BY toYYYYMM(day)
ORDER BY (metric, segment, network, day);

CREATE TABLE IF NOT EXISTS usage_daily ON CLUSTER `imscope` AS usage_daily_local
ENGINE = Distributed('imscope', 'imscope', 'usage_daily_local', rand());

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_daily_mv ON CLUSTER `imscope` TO usage_daily_local AS
SELECT
    toDate(ts)                AS day,
    metric,
    segment,
    network,
    sumState(value)           AS total,
    avgState(value)           AS mean,
    maxState(value)           AS peak,
    argMaxState(value, ts)    AS latest,
    countState()              AS samples
FROM usage_samples_local
GROUP BY day, metric, segment, network;
