-- The time stamps of one source's traffic rows since a time, per bridge: a
-- push receiver reads them at start to know which intervals (and which
-- revisions of them) are stored already.
SELECT bridge, ts
FROM bridge_traffic
WHERE source = {source:String}
  AND ts >= {since:DateTime64(3, 'UTC')}
ORDER BY bridge, ts
