-- One event's latest change, deleted or not: whether it exists, and when
-- it last changed (a deletion must be dated after it). Columns are
-- qualified with e. because the aliases reuse their names.
SELECT argMax(e.deleted, e.changed_at) AS deleted, max(e.changed_at) AS changed_at
FROM events AS e
WHERE e.event_id = {id:String}
GROUP BY e.event_id
