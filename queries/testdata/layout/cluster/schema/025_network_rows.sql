-- Rows per network and table, kept current by materialized views as rows
-- land: the Collectors page lists the networks outside the catalog, with
-- how many rows name each (queries.UnknownNetworks), from here instead of
-- scanning every table's network column — on 100 M usage rows that scan
-- made each report render about 6× slower. A bridge row counts once for
-- each end it names (an id at both ends once). Published shares are few and
-- corrected in place (ReplacingMergeTree), so they are counted from
-- market_reports itself. Rows removed by ALTER ... DELETE are still counted
-- here; imscope itself never deletes them.
--
-- The file is safe to run again: the DROPs start the table over and the
-- backfill fills it from the tables. The views are created before the
-- backfill reads, so rows written by another process meanwhile would count
-- twice: imscope migrates before its collectors start.
DROP TABLE IF EXISTS network_rows_usage_mv ON CLUSTER `imscope`;
DROP TABLE IF EXISTS network_rows_panel_mv ON CLUSTER `imscope`;
DROP TABLE IF EXISTS network_rows_bridge_mv ON CLUSTER `imscope`;
DROP TABLE IF EXISTS network_rows ON CLUSTER `imscope`;
DROP TABLE IF EXISTS network_rows_local ON CLUSTER `imscope` SYNC;

CREATE TABLE IF NOT EXISTS network_rows_local ON CLUSTER `imscope`
(
    source_table  LowCardinality(String),
    network       LowCardinality(String),
    rows          SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
ORDER BY (network, source_table);

CREATE TABLE IF NOT EXISTS network_rows ON CLUSTER `imscope` AS network_rows_local
ENGINE = Distributed('imscope', 'imscope', 'network_rows_local', rand());

CREATE MATERIALIZED VIEW IF NOT EXISTS network_rows_usage_mv ON CLUSTER `imscope` TO network_rows_local AS
SELECT 'usage_samples' AS source_table, network, count() AS rows
FROM usage_samples_local
GROUP BY network;

CREATE MATERIALIZED VIEW IF NOT EXISTS network_rows_panel_mv ON CLUSTER `imscope` TO network_rows_local AS
SELECT 'panel_activity' AS source_table, network, count() AS rows
FROM panel_activity_local
GROUP BY network;

CREATE MATERIALIZED VIEW IF NOT EXISTS network_rows_bridge_mv ON CLUSTER `imscope` TO network_rows_local AS
SELECT 'bridge_traffic' AS source_table, network, count() AS rows
FROM bridge_traffic_local
ARRAY JOIN arrayDistinct([from_network, to_network]) AS network
GROUP BY network;

INSERT INTO network_rows (source_table, network, rows)
SELECT 'usage_samples', network, count() FROM usage_samples GROUP BY network;

INSERT INTO network_rows (source_table, network, rows)
SELECT 'panel_activity', network, count() FROM panel_activity GROUP BY network;

INSERT INTO network_rows (source_table, network, rows)
SELECT 'bridge_traffic', network, count()
FROM bridge_traffic
ARRAY JOIN arrayDistinct([from_network, to_network]) AS network
GROUP BY network;
