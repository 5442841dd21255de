-- Events as they stand after their latest change, in [from, to), oldest
-- first; deleted ones left out. Columns are qualified with e. because the
-- aliases reuse their names.
SELECT e.event_id,
       argMax(e.at, e.changed_at)          AS at,
       argMax(e.date_only, e.changed_at)   AS date_only,
       argMax(e.title, e.changed_at)       AS title,
       argMax(e.description, e.changed_at) AS description,
       argMax(e.networks, e.changed_at)    AS networks,
       argMax(e.bridges, e.changed_at)     AS bridges,
       argMax(e.link, e.changed_at)        AS link,
       argMax(e.deleted, e.changed_at)     AS deleted
FROM events AS e
GROUP BY e.event_id
HAVING NOT deleted AND at >= {from:DateTime64(3, 'UTC')} AND at < {to:DateTime64(3, 'UTC')}
ORDER BY at, e.event_id
LIMIT {limit:UInt32}
