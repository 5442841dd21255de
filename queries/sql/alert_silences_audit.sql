-- The silence audit log: every change in [from, to), newest first.
SELECT changed_at, silence_id, action, actor, matchers, starts_at, ends_at, comment
FROM alert_silences
WHERE changed_at >= {from:DateTime64(3, 'UTC')} AND changed_at < {to:DateTime64(3, 'UTC')}
ORDER BY changed_at DESC, silence_id
LIMIT {limit:UInt32}
