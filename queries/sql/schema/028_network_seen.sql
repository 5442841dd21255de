-- Per network, the table, the source that sent rows naming it (the rows'
-- `source` column: the collector's name, a CSV import's label), how many,
-- and when they were first and last stored, kept current by materialized
-- views as rows land: the Collectors page and /api/v1/collectors list each
-- network outside the catalog with these (queries.UnknownNetworks) without
-- scanning a measurement table. It replaces network_rows (migration 025),
-- which counted rows only. A bridge row counts once for each end it names
-- (an id at both ends once). Published shares are few and corrected in
-- place, so they are still read from market_reports itself.
--
-- first_seen and last_seen are when rows were stored (the views' now64()).
-- Rows stored before this migration have no such time: the backfill takes
-- their own timestamps (ts; a panel row's period) instead.
--
-- The file is safe to run again: the DROPs start the table over and the
-- backfill fills it from the tables. imscope migrates before its collectors
-- start, so no row lands between the views' creation and the backfill.
DROP TABLE IF EXISTS network_rows_usage_mv{{on_cluster}};
DROP TABLE IF EXISTS network_rows_panel_mv{{on_cluster}};
DROP TABLE IF EXISTS network_rows_bridge_mv{{on_cluster}};
{{drop "network_rows"}};
DROP TABLE IF EXISTS network_seen_usage_mv{{on_cluster}};
DROP TABLE IF EXISTS network_seen_panel_mv{{on_cluster}};
DROP TABLE IF EXISTS network_seen_bridge_mv{{on_cluster}};
{{drop "network_seen"}};

CREATE TABLE IF NOT EXISTS {{local "network_seen"}}{{on_cluster}}
(
    source_table  LowCardinality(String),
    network       LowCardinality(String),
    source        LowCardinality(String),
    rows          SimpleAggregateFunction(sum, UInt64),
    first_seen    SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_seen     SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
)
ENGINE = {{engine "AggregatingMergeTree"}}
ORDER BY (network, source_table, source);{{distributed "network_seen" "rand()"}}

CREATE MATERIALIZED VIEW IF NOT EXISTS network_seen_usage_mv{{on_cluster}} TO {{local "network_seen"}} AS
SELECT 'usage_samples' AS source_table, network, source, count() AS rows,
       now64(3, 'UTC') AS first_seen, now64(3, 'UTC') AS last_seen
FROM {{local "usage_samples"}}
GROUP BY network, source;

CREATE MATERIALIZED VIEW IF NOT EXISTS network_seen_panel_mv{{on_cluster}} TO {{local "network_seen"}} AS
SELECT 'panel_activity' AS source_table, network, source, count() AS rows,
       now64(3, 'UTC') AS first_seen, now64(3, 'UTC') AS last_seen
FROM {{local "panel_activity"}}
GROUP BY network, source;

CREATE MATERIALIZED VIEW IF NOT EXISTS network_seen_bridge_mv{{on_cluster}} TO {{local "network_seen"}} AS
SELECT 'bridge_traffic' AS source_table, network, source, count() AS rows,
       now64(3, 'UTC') AS first_seen, now64(3, 'UTC') AS last_seen
FROM {{local "bridge_traffic"}}
ARRAY JOIN arrayDistinct([from_network, to_network]) AS network
GROUP BY network, source;

INSERT INTO network_seen (source_table, network, source, rows, first_seen, last_seen)
SELECT 'usage_samples', network, source, count(), min(ts), max(ts)
FROM usage_samples GROUP BY network, source;

INSERT INTO network_seen (source_table, network, source, rows, first_seen, last_seen)
SELECT 'panel_activity', network, source, count(),
       toDateTime64(min(period), 3, 'UTC'), toDateTime64(max(period), 3, 'UTC')
FROM panel_activity GROUP BY network, source;

INSERT INTO network_seen (source_table, network, source, rows, first_seen, last_seen)
SELECT 'bridge_traffic', network, source, count(), min(ts), max(ts)
FROM bridge_traffic
ARRAY JOIN arrayDistinct([from_network, to_network]) AS network
GROUP BY network, source;
