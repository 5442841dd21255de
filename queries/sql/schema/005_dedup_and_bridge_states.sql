-- A batch retried after a crash or timeout carries the same
-- insert_deduplication_token; the rollup tables must remember tokens too, or
-- their materialized views would count a deduplicated block again.
ALTER TABLE {{local "usage_daily"}}{{on_cluster}} MODIFY SETTING {{dedup_window}} = 1000;
ALTER TABLE {{local "bridge_traffic_1m"}}{{on_cluster}} MODIFY SETTING {{dedup_window}} = 1000;
ALTER TABLE {{local "market_reports"}}{{on_cluster}} MODIFY SETTING {{dedup_window}} = 1000;
ALTER TABLE {{local "collector_runs"}}{{on_cluster}} MODIFY SETTING {{dedup_window}} = 1000;

-- Bridge state events (mautrix bridge_state, collector observations): the
-- uptime of each bridge is computed from these transitions.
CREATE TABLE IF NOT EXISTS {{local "bridge_states"}}{{on_cluster}}
(
    ts          DateTime64(3, 'UTC'),
    source      LowCardinality(String),
    bridge      LowCardinality(String),
    remote_id   String DEFAULT '',
    state       LowCardinality(String),
    up          Bool,
    error       String DEFAULT '',
    message     String DEFAULT ''
)
ENGINE = {{engine "MergeTree"}}
PARTITION BY toYYYYMM(ts)
ORDER BY (bridge, ts)
SETTINGS {{dedup_window}} = 1000;{{distributed "bridge_states" "cityHash64(bridge, ts)"}}
