-- Users by the exact set of networks they were active on in one panel
-- period: the "signatures" multi-homing and reachability are computed from.
-- One row per distinct set, so the answer is small however large the panel.
-- Each user's set is a bitmask over the period's networks (groupBitOr is
-- about four times faster than collecting arrays per user); a panel period
-- naming more than 64 networks is refused by the throwIf.
WITH
    (
        SELECT arraySort(groupUniqArray(toString(network)))
        FROM panel_activity
        WHERE period = {period:Date}
    ) AS nets
SELECT
    arrayFilter((n, i) -> bitTest(mask, i - 1), nets, arrayEnumerate(nets)) AS networks,
    count() AS users
FROM (
    SELECT user_key, groupBitOr(bitShiftLeft(toUInt64(1), indexOf(nets, toString(network)) - 1)) AS mask
    FROM panel_activity
    WHERE period = {period:Date}
      AND ({segment:String} = '' OR segment = {segment:String})
      AND (active_days > 0 OR messages > 0)
      AND throwIf(length(nets) > 64, 'more than 64 networks in one panel period') = 0
    GROUP BY user_key
)
GROUP BY mask
ORDER BY users DESC, networks
