-- Alert rule transitions: a row when a rule starts firing and when it
-- resolves. A rule's current state is its latest row, so state survives
-- restarts; delivery (webhook, mail) reads from here too.
CREATE TABLE IF NOT EXISTS alert_events
(
    ts       DateTime64(3, 'UTC'),
    rule     LowCardinality(String),
    kind     LowCardinality(String),
    firing   Bool,
    value    Float64,
    message  String,
    labels   Map(String, String)
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (rule, ts)
SETTINGS non_replicated_deduplication_window = 1000;
