-- Bridge state events in [from, to), plus each bridge's last event before
-- from, so uptime starts from a known state.
SELECT ts, bridge, up
FROM bridge_states
WHERE ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}
UNION ALL
SELECT max(ts) AS ts, bridge, argMax(up, ts) AS up
FROM bridge_states
WHERE ts < {from:DateTime64(3, 'UTC')}
GROUP BY bridge
ORDER BY bridge, ts
