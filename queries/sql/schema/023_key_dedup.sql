-- Rows are now stored exactly once by their natural key (queries.Store):
-- a batch is staged and only keys not stored yet are inserted. ClickHouse's
-- own insert deduplication is no longer used, and it was harmful: with a
-- window set, a block identical to one of the last 1,000 inserted was
-- silently dropped, which would lose a published share re-published at
-- its first value after a correction. Turning the window off also spares
-- every insert the bookkeeping of block hashes.
ALTER TABLE {{local "usage_samples"}}{{on_cluster}} MODIFY SETTING {{dedup_window}} = 0;
ALTER TABLE {{local "usage_daily"}}{{on_cluster}} MODIFY SETTING {{dedup_window}} = 0;
ALTER TABLE {{local "usage_monthly"}}{{on_cluster}} MODIFY SETTING {{dedup_window}} = 0;
ALTER TABLE {{local "bridge_traffic"}}{{on_cluster}} MODIFY SETTING {{dedup_window}} = 0;
ALTER TABLE {{local "bridge_traffic_1m"}}{{on_cluster}} MODIFY SETTING {{dedup_window}} = 0;
ALTER TABLE {{local "panel_activity"}}{{on_cluster}} MODIFY SETTING {{dedup_window}} = 0;
ALTER TABLE {{local "market_reports"}}{{on_cluster}} MODIFY SETTING {{dedup_window}} = 0;
ALTER TABLE {{local "bridge_states"}}{{on_cluster}} MODIFY SETTING {{dedup_window}} = 0;
ALTER TABLE {{local "collector_runs"}}{{on_cluster}} MODIFY SETTING {{dedup_window}} = 0;
ALTER TABLE {{local "alert_events"}}{{on_cluster}} MODIFY SETTING {{dedup_window}} = 0;
