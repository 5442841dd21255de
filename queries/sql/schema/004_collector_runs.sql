-- Every collector run, for the Collectors page and stale-collector alerts.
CREATE TABLE IF NOT EXISTS {{local "collector_runs"}}{{on_cluster}}
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
ENGINE = {{engine "MergeTree"}}
PARTITION BY toYYYYMM(started_at)
ORDER BY (collector, started_at)
TTL toDateTime(started_at) + INTERVAL 180 DAY;{{distributed "collector_runs" "cityHash64(collector)"}}
