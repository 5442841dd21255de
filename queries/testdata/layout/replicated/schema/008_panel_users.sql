-- Per-user panel data, derived from panel_activity one period at a time by
-- queries.RefreshPanel, so that switching, multi-homing and reachability
-- read one precomputed row per user instead of aggregating every activity
-- row per question (BENCHMARKS.md: 10 M users, 28.6 M rows).
--
-- A period is rebuilt whole, never patched: a user's rows may arrive in
-- several inserts, and only the whole period says which network is their
-- primary. Each rebuild writes a new generation (its own partition) and
-- then records itself in panel_users_builds; readers take the latest
-- recorded generation, so they never see a half-built period, and older
-- generations are dropped afterwards. The build records how many
-- panel_activity rows it read and a digest of them; when the period holds
-- other rows now, the build is stale and is rebuilt before it is read.

-- The digest of a period's rows — their count and the sum of a hash of
-- each — kept up to date by ClickHouse on every insert, merge and mutation,
-- so that checking a build costs a few milliseconds instead of a scan of
-- the period (~0.35 s for 14 M rows). A sum of hashes notices any change of
-- the rows, including a period deleted and loaded again with as many rows,
-- and a duplicate. (ClickHouse refuses lightweight DELETE on a table with a
-- projection; use ALTER TABLE panel_activity_local ON CLUSTER `imscope` DELETE WHERE …, which keeps
-- the digest right.)
ALTER TABLE panel_activity_local ON CLUSTER `imscope` ADD PROJECTION IF NOT EXISTS period_digest
(
    SELECT period, count(), sum(cityHash64(user_key, network, segment, active_days, messages))
    GROUP BY period
);
ALTER TABLE panel_activity_local ON CLUSTER `imscope` MATERIALIZE PROJECTION period_digest SETTINGS mutations_sync = 1;

-- segment '' is all segments together (the '' segment filter), which is
-- not the union of the per-segment rows when a user has rows in several.
-- lead is the user's primary network and mask the networks they were active
-- on, both as positions in the build's sorted network list.
CREATE TABLE IF NOT EXISTS panel_users_local ON CLUSTER `imscope`
(
    period      Date,
    generation  UInt64,
    segment     LowCardinality(String),
    user_key    UInt64,
    lead        UInt8,
    mask        UInt64
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY (period, generation)
ORDER BY (segment, user_key);

CREATE TABLE IF NOT EXISTS panel_users ON CLUSTER `imscope` AS panel_users_local
ENGINE = Distributed('imscope', 'imscope', 'panel_users_local', user_key);

-- One row per build; the highest generation of a period is current.
CREATE TABLE IF NOT EXISTS panel_users_builds_local ON CLUSTER `imscope`
(
    period       Date,
    generation   UInt64,
    source_rows  UInt64,
    source_hash  UInt64,
    networks     Array(String),
    built_at     DateTime64(3, 'UTC')
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', generation)
ORDER BY period;

CREATE TABLE IF NOT EXISTS panel_users_builds ON CLUSTER `imscope` AS panel_users_builds_local
ENGINE = Distributed('imscope', 'imscope', 'panel_users_builds_local', cityHash64(period));
