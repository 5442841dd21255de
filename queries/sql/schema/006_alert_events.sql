-- Alert rule transitions: a row when a rule starts firing and when it
-- resolves. A rule's current state is its latest row, so state survives
-- restarts; delivery (webhook, mail) reads from here too.
CREATE TABLE IF NOT EXISTS {{local "alert_events"}}{{on_cluster}}
(
    ts       DateTime64(3, 'UTC'),
    rule     LowCardinality(String),
    kind     LowCardinality(String),
    firing   Bool,
    value    Float64,
    message  String,
    labels   Map(String, String)
)
ENGINE = {{engine "MergeTree"}}
PARTITION BY toYYYYMM(ts)
ORDER BY (rule, ts)
SETTINGS {{dedup_window}} = 1000;{{distributed "alert_events" "cityHash64(rule)"}}
