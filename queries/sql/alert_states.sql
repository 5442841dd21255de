-- Each rule's latest transition: its state now.
SELECT rule, argMax(firing, ts) AS firing, max(ts) AS since, argMax(value, ts) AS value
FROM alert_events
GROUP BY rule
