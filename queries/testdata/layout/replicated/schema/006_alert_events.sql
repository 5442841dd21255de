-- Alert rule transitions: a row when a rule starts firing and when it
-- resolves. A rule's current state is its latest row, so state survives
-- restarts; delivery (webhook, mail) reads from here too.
CREATE TABLE IF NOT EXISTS alert_events_local ON CLUSTER `imscope`
(
    ts       DateTime64(3, 'UTC'),
    rule     LowCardinality(String),
    kind     LowCardinality(String),
    firing   Bool,
    value    Float64,
    message  String,
    labels   Map(String, String)
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toYYYYMM(ts)
ORDER BY (rule, ts)
SETTINGS replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS alert_events ON CLUSTER `imscope` AS alert_events_local
ENGINE = Distributed('imscope', 'imscope', 'alert_events_local', cityHash64(rule));
