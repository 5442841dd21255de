-- Users by the exact set of networks they were active on in one panel
-- period: the "signatures" multi-homing and reachability are computed from.
-- One row per distinct set, so the answer is small however large the panel.
SELECT networks, count() AS users
FROM (
    SELECT user_key, arraySort(groupUniqArray(network)) AS networks
    FROM panel_activity
    WHERE period = {period:Date}
      AND ({segment:String} = '' OR segment = {segment:String})
      AND (active_days > 0 OR messages > 0)
    GROUP BY user_key
)
GROUP BY networks
ORDER BY users DESC, networks
