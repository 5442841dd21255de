-- A batch retried after a crash or timeout carries the same
-- insert_deduplication_token; the rollup tables must remember tokens too, or
-- their materialized views would count a deduplicated block again.
ALTER TABLE usage_daily_local ON CLUSTER `imscope` MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE bridge_traffic_1m_local ON CLUSTER `imscope` MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE market_reports_local ON CLUSTER `imscope` MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE collector_runs_local ON CLUSTER `imscope` MODIFY SETTING non_replicated_deduplication_window = 1000;

-- Bridge state events (mautrix bridge_state, collector observations): the
-- uptime of each bridge is computed from these transitions.
CREATE TABLE IF NOT EXISTS bridge_states_local ON CLUSTER `imscope`
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

CREATE TABLE IF NOT EXISTS bridge_states ON CLUSTER `imscope` AS bridge_states_local
ENGINE = Distributed('imscope', 'imscope', 'bridge_states_local', cityHash64(bridge, ts));
