-- Bridge state events in [from, to), plus each bridge's last event before
-- from, so uptime starts from a known state. (The second part's aliases
-- differ from the column names: an alias named ts would turn ts in its WHERE
-- into max(ts).)
SELECT ts, bridge, up
FROM (
    SELECT ts, bridge, up
    FROM bridge_states
    WHERE ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}
    UNION ALL
    SELECT max(ts) AS last_ts, bridge, argMax(up, ts) AS last_up
    FROM bridge_states
    WHERE ts < {from:DateTime64(3, 'UTC')}
    GROUP BY bridge
)
ORDER BY bridge, ts
