-- Every collector run, for the Collectors page and stale-collector alerts.
CREATE TABLE IF NOT EXISTS collector_runs_local ON CLUSTER `imscope`
(
    run_id       UUID,
    collector    LowCardinality(String),
    kind         LowCardinality(String),
    target       String,
    started_at   DateTime64(3, 'UTC'),
    duration_ms  UInt32,
    rows         UInt64,
    status       Enum8('ok' = 0, 'error' = 1, 'partial' = 2),
    error        Nullable(String),
    warnings     Array(String),
    labels       Map(String, String)
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toYYYYMM(started_at)
ORDER BY (collector, started_at)
TTL toDateTime(started_at) + INTERVAL 180 DAY;

CREATE TABLE IF NOT EXISTS collector_runs ON CLUSTER `imscope` AS collector_runs_local
ENGINE = Distributed('imscope', 'imscope', 'collector_runs_local', cityHash64(collector));
