-- Alert notifications sent or attempted in [from, to), newest first: one row
-- per notification, destination and attempt (the rows of its alerts merged:
-- a notification carries every alert of its group), at most limit after
-- skipping offset. A retry of a failed notification keeps its id, so an id
-- may appear on several rows, one per tick that tried it.
SELECT sent_at, notification_id, destination, group_key, status, attempts, error,
       arraySort(groupArray(toString(rule)))     AS rules,
       countIf(state = 'firing')                 AS firing,
       countIf(state = 'resolved')               AS resolved
FROM alert_notifications
WHERE sent_at >= {from:DateTime64(3, 'UTC')} AND sent_at < {to:DateTime64(3, 'UTC')}
GROUP BY sent_at, notification_id, destination, group_key, status, attempts, error
ORDER BY sent_at DESC, destination, group_key, notification_id
LIMIT {limit:UInt32} OFFSET {offset:UInt32}
