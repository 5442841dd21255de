-- Interop traffic: what one route (bridge, from network, to network) carried
-- in one interval. Latency is a histogram — bucket upper bound in
-- microseconds (18446744073709551615 for +Inf) → messages — so quantiles over
-- any span are computed from merged buckets. (Integer bounds: sumMap does not
-- take Float64 map keys.)
CREATE TABLE IF NOT EXISTS bridge_traffic
(
    ts            DateTime64(3, 'UTC') CODEC(Delta, ZSTD),
    source        LowCardinality(String),
    bridge        LowCardinality(String),
    from_network  LowCardinality(String),
    to_network    LowCardinality(String),
    messages      UInt64,
    failures      UInt64,
    bytes         UInt64,
    latency       Map(UInt64, UInt64),
    latency_sum   Float64
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (bridge, from_network, to_network, ts)
SETTINGS non_replicated_deduplication_window = 1000;

-- Per-minute rollup for the bridges page and alert rules.
CREATE TABLE IF NOT EXISTS bridge_traffic_1m
(
    minute        DateTime('UTC'),
    bridge        LowCardinality(String),
    from_network  LowCardinality(String),
    to_network    LowCardinality(String),
    messages      SimpleAggregateFunction(sum, UInt64),
    failures      SimpleAggregateFunction(sum, UInt64),
    bytes         SimpleAggregateFunction(sum, UInt64),
    latency       AggregateFunction(sumMap, Map(UInt64, UInt64)),
    latency_sum   SimpleAggregateFunction(sum, Float64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (bridge, from_network, to_network, minute);

CREATE MATERIALIZED VIEW IF NOT EXISTS bridge_traffic_1m_mv TO bridge_traffic_1m AS
SELECT
    toStartOfMinute(ts)   AS minute,
    bridge,
    from_network,
    to_network,
    sum(messages)         AS messages,
    sum(failures)         AS failures,
    sum(bytes)            AS bytes,
    sumMapState(latency)  AS latency,
    sum(latency_sum)      AS latency_sum
FROM bridge_traffic
GROUP BY minute, bridge, from_network, to_network;
