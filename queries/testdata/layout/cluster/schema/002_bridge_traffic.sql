-- Interop traffic: what one route (bridge, from network, to network) carried
-- in one interval. Latency is a histogram — bucket upper bound in
-- microseconds (18446744073709551615 for +Inf) → messages — so quantiles over
-- any span are computed from merged buckets. (Integer bounds: sumMap does not
-- take Float64 map keys.)
CREATE TABLE IF NOT EXISTS bridge_traffic_local ON CLUSTER `imscope`
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

CREATE TABLE IF NOT EXISTS bridge_traffic ON CLUSTER `imscope` AS bridge_traffic_local
ENGINE = Distributed('imscope', 'imscope', 'bridge_traffic_local', cityHash64(bridge, from_network, to_network, ts));

-- Per-minute rollup for the bridges page and alert rules.
CREATE TABLE IF NOT EXISTS bridge_traffic_1m_local ON CLUSTER `imscope`
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

CREATE TABLE IF NOT EXISTS bridge_traffic_1m ON CLUSTER `imscope` AS bridge_traffic_1m_local
ENGINE = Distributed('imscope', 'imscope', 'bridge_traffic_1m_local', rand());

CREATE MATERIALIZED VIEW IF NOT EXISTS bridge_traffic_1m_mv ON CLUSTER `imscope` TO bridge_traffic_1m_local AS
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
FROM bridge_traffic_local
GROUP BY minute, bridge, from_network, to_network;
