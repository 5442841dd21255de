-- Users by primary network in period {from_period} and in {to_period}: the
-- switching count matrix, with '' for users outside the panel in one of the
-- two periods (entrants and leavers). The primary network is the one with
-- the most active days, then the most messages, then the smallest id;
-- records with no activity do not count. Computed in ClickHouse so that user
-- keys never leave it.
WITH
    a AS (
        SELECT user_key, argMin(network, (-toInt64(active_days), -toInt64(messages), network)) AS network
        FROM panel_activity
        WHERE period = {from_period:Date}
          AND ({segment:String} = '' OR segment = {segment:String})
          AND (active_days > 0 OR messages > 0)
        GROUP BY user_key
    ),
    b AS (
        SELECT user_key, argMin(network, (-toInt64(active_days), -toInt64(messages), network)) AS network
        FROM panel_activity
        WHERE period = {to_period:Date}
          AND ({segment:String} = '' OR segment = {segment:String})
          AND (active_days > 0 OR messages > 0)
        GROUP BY user_key
    )
SELECT a.network AS from_network, b.network AS to_network, count() AS users
FROM a FULL OUTER JOIN b ON a.user_key = b.user_key
GROUP BY from_network, to_network
ORDER BY from_network, to_network
SETTINGS join_use_nulls = 0
