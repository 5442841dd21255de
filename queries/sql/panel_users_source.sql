-- The networks of one panel period, sorted, whose positions panel_users.lead
-- and .mask use. A build reads them after the period's row count and hash
-- sum (panel_users_state.sql) and records that count and sum: rows landing
-- after the count make the build stale, whatever the networks say.
SELECT arraySort(arrayMap(n -> toString(n), groupUniqArray(network))) AS networks
FROM panel_activity
WHERE period = {period:Date}
