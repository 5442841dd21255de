-- Scheduled and manual report runs, for the Reports page, catch-up of runs
-- missed while imscope was down, and retention. A run is written when it
-- starts (status running) and again when it ends; ReplacingMergeTree keeps
-- the latest version (updated_at) of each run, read back with FINAL.
-- Per-destination outcomes are parallel arrays in the final version, so a
-- run and its deliveries land in one insert.
CREATE TABLE IF NOT EXISTS report_runs_local ON CLUSTER `imscope`
(
    run_id         UUID,
    report         LowCardinality(String),
    trigger        LowCardinality(String),
    scheduled_for  DateTime64(3, 'UTC'),
    started_at     DateTime64(3, 'UTC'),
    finished_at    Nullable(DateTime64(3, 'UTC')),
    granularity    LowCardinality(String),
    period_label   String,
    period_from    DateTime64(3, 'UTC'),
    period_to      DateTime64(3, 'UTC'),
    time_zone      LowCardinality(String),
    status         Enum8('running' = 0, 'ok' = 1, 'partial' = 2, 'failed' = 3, 'missed' = 4),
    late           Bool,
    error          String,
    notes          Array(String),
    files          Array(String),
    delivery_destination Array(String),
    delivery_kind        Array(String),
    delivery_status      Array(String),
    delivery_attempts    Array(UInt16),
    delivery_error       Array(String),
    updated_at     DateTime64(6, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (report, run_id);

CREATE TABLE IF NOT EXISTS report_runs ON CLUSTER `imscope` AS report_runs_local
ENGINE = Distributed('imscope', 'imscope', 'report_runs_local', cityHash64(report, run_id));
