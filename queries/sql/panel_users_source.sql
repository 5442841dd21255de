-- What a build of one panel period reads first, in one snapshot: the rows
-- it will stand for (their count and hash sum, as panel_users_state.sql
-- computes them) and the period's networks, sorted, whose positions
-- panel_users.lead and .mask use.
SELECT
    count() AS source_rows,
    sum(cityHash64(user_key, network, segment, active_days, messages)) AS source_hash,
    arraySort(groupUniqArray(toString(network))) AS networks
FROM panel_activity
WHERE period = {period:Date}
