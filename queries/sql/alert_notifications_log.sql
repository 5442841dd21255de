-- Per rule, destination and firing episode since from: when the firing (or
-- repeat) and the resolved notifications last went out, and the latest
-- failed attempt (the epoch for none).
SELECT rule, destination, episode,
       maxIf(sent_at, status = 'ok' AND state = 'firing')   AS last_firing,
       maxIf(sent_at, status = 'ok' AND state = 'resolved') AS last_resolved,
       maxIf(sent_at, status = 'failed')                    AS last_failed
FROM alert_notifications
WHERE episode >= {from:DateTime64(3, 'UTC')}
GROUP BY rule, destination, episode
