-- Panel data: one user's activity on one network in one period. user_key is
-- a keyed hash of the external id; raw identifiers are never stored.
CREATE TABLE IF NOT EXISTS panel_activity_local ON CLUSTER `imscope`
(
    period       Date,
    user_key     UInt64,
    network      LowCardinality(String),
    segment      LowCardinality(String) DEFAULT '',
    active_days  UInt16,
    messages     UInt64,
    source       LowCardinality(String) DEFAULT ''
)
ENGINE = MergeTree
PARTITION BY toYear(period)
ORDER BY (period, segment, user_key, network)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS panel_activity ON CLUSTER `imscope` AS panel_activity_local
ENGINE = Distributed('imscope', 'imscope', 'panel_activity_local', user_key);

-- Published market shares, set beside measured ones. Re-importing the same
-- report replaces its rows (ReplacingMergeTree on the natural key).
CREATE TABLE IF NOT EXISTS market_reports_local ON CLUSTER `imscope`
(
    period        String,
    period_start  Date,
    publisher     LowCardinality(String),
    basis         LowCardinality(String),
    network       LowCardinality(String),
    share         Float64,
    bound         Enum8('eq' = 0, 'lt' = 1, 'gt' = 2),
    note          Nullable(String),
    imported_at   DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(imported_at)
ORDER BY (period, publisher, basis, network);

CREATE TABLE IF NOT EXISTS market_reports ON CLUSTER `imscope` AS market_reports_local
ENGINE = Distributed('imscope', 'imscope', 'market_reports_local', cityHash64(period, publisher, basis, network));
