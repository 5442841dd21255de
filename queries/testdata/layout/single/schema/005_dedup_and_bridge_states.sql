-- A batch retried after a crash or timeout carries the same
-- insert_deduplication_token; the rollup tables must remember tokens too, or
-- their materialized views would count a deduplicated block again.
ALTER TABLE usage_daily MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE bridge_traffic_1m MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE market_reports MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE collector_runs MODIFY SETTING non_replicated_deduplication_window = 1000;

-- Bridge state events (mautrix bridge_state, collector observations): the
-- uptime of each bridge is computed from these transitions.
CREATE TABLE IF NOT EXISTS bridge_states
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
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (bridge, ts)
SETTINGS non_replicated_deduplication_window = 1000;
