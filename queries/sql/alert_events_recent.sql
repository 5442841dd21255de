-- Alert transitions in [from, to), newest first.
SELECT ts, rule, kind, firing, value, message, labels
FROM alert_events
WHERE ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}
ORDER BY ts DESC, rule
LIMIT {limit:UInt32}
