-- Rows are now stored exactly once by their natural key (queries.Store):
-- a batch is staged and only keys not stored yet are inserted. ClickHouse's
-- own insert deduplication is no longer used, and it was harmful: with a
-- window set, a block identical to one of the last 1,000 inserted was
-- silently dropped, which would lose a published share re-published at
-- its first value after a correction. Turning the window off also spares
-- every insert the bookkeeping of block hashes.
ALTER TABLE usage_samples_local ON CLUSTER `imscope` MODIFY SETTING non_replicated_deduplication_window = 0;
ALTER TABLE usage_daily_local ON CLUSTER `imscope` MODIFY SETTING non_replicated_deduplication_window = 0;
ALTER TABLE usage_monthly_local ON CLUSTER `imscope` MODIFY SETTING non_replicated_deduplication_window = 0;
ALTER TABLE bridge_traffic_local ON CLUSTER `imscope` MODIFY SETTING non_replicated_deduplication_window = 0;
ALTER TABLE bridge_traffic_1m_local ON CLUSTER `imscope` MODIFY SETTING non_replicated_deduplication_window = 0;
ALTER TABLE panel_activity_local ON CLUSTER `imscope` MODIFY SETTING non_replicated_deduplication_window = 0;
ALTER TABLE market_reports_local ON CLUSTER `imscope` MODIFY SETTING non_replicated_deduplication_window = 0;
ALTER TABLE bridge_states_local ON CLUSTER `imscope` MODIFY SETTING non_replicated_deduplication_window = 0;
ALTER TABLE collector_runs_local ON CLUSTER `imscope` MODIFY SETTING non_replicated_deduplication_window = 0;
ALTER TABLE alert_events_local ON CLUSTER `imscope` MODIFY SETTING non_replicated_deduplication_window = 0;
