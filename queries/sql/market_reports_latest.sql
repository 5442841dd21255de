-- The latest published period before {to}, its label and start: where a
-- market question without a range ends by default when no usage is
-- measured, so a user who imported only published figures sees them. No
-- row when nothing is published.
SELECT period, period_start
FROM market_reports FINAL
WHERE period_start < toDate32({to:DateTime64(3, 'UTC')})
ORDER BY period_start DESC, period
LIMIT 1
