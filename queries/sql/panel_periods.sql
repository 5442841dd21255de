-- The panel periods in [from, to), oldest first.
SELECT DISTINCT period
FROM panel_activity
WHERE period >= toDate32({from:DateTime64(3, 'UTC')})
  AND period < toDate32({to:DateTime64(3, 'UTC')})
ORDER BY period
