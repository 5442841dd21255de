-- How many rows alert_notifications_recent.sql has in [from, to) before its
-- limit: notifications, destinations and attempts.
SELECT count() FROM
(
    SELECT 1
    FROM alert_notifications
    WHERE sent_at >= {from:DateTime64(3, 'UTC')} AND sent_at < {to:DateTime64(3, 'UTC')}
    GROUP BY sent_at, notification_id, destination, group_key, status, attempts, error
)
