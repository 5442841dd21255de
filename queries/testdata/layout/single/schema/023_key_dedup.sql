-- Rows are now stored exactly once by their natural key (queries.Store):
-- a batch is staged and only keys not stored yet are inserted. ClickHouse's
-- own insert deduplication is no longer used, and it was harmful: with a
-- window set, a block identical to one of the last 1,000 inserted was
-- silently dropped, which would lose a published share re-published at
-- its first value after a correction. Turning the window off also spares
-- every insert the bookkeeping of block hashes.
ALTER TABLE usage_samples MODIFY SETTING non_replicated_deduplication_window = 0;
ALTER TABLE usage_daily MODIFY SETTING non_replicated_deduplication_window = 0;
ALTER TABLE usage_monthly MODIFY SETTING non_replicated_deduplication_window = 0;
ALTER TABLE bridge_traffic MODIFY SETTING non_replicated_deduplication_window = 0;
ALTER TABLE bridge_traffic_1m MODIFY SETTING non_replicated_deduplication_window = 0;
ALTER TABLE panel_activity MODIFY SETTING non_replicated_deduplication_window = 0;
ALTER TABLE market_reports MODIFY SETTING non_replicated_deduplication_window = 0;
ALTER TABLE bridge_states MODIFY SETTING non_replicated_deduplication_window = 0;
ALTER TABLE collector_runs MODIFY SETTING non_replicated_deduplication_window = 0;
ALTER TABLE alert_events MODIFY SETTING non_replicated_deduplication_window = 0;
