-- The latest interval start a source stored bridge traffic for; the zero
-- time when it has none. The demo's live traffic resumes from here after a
-- restart, so no minute is emitted twice or skipped.
SELECT toDateTime64(max(ts), 3, 'UTC') AS latest
FROM bridge_traffic
WHERE source = {source:String}
