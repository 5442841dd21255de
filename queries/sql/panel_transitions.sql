-- Users by primary network in period {from_period} and in {to_period}: the
-- switching count matrix, with '' for users outside the panel in one of the
-- two periods (entrants and leavers). The primary network is the one with
-- the most active days, then the most messages, then the smallest id;
-- records with no activity do not count. Computed in ClickHouse so that user
-- keys never leave it.
--
-- The three-way order is packed into one UInt64 so that argMax runs on a
-- number (about four times faster than on a tuple): active days in the top
-- 16 bits, messages (capped at 2^40-1) in the next 40, and 255 minus the
-- network's rank in the period's sorted network list in the low 8, so that
-- on a tie the smallest id wins. A period naming more than 255 networks is
-- refused by the throwIf.
WITH
    (
        SELECT arraySort(groupUniqArray(toString(network)))
        FROM panel_activity
        WHERE period IN ({from_period:Date}, {to_period:Date})
    ) AS nets,
    a AS (
        SELECT user_key,
               argMax(network, bitShiftLeft(toUInt64(active_days), 48)
                             + bitShiftLeft(least(messages, 1099511627775), 8)
                             + (255 - indexOf(nets, toString(network)))) AS network
        FROM panel_activity
        WHERE period = {from_period:Date}
          AND ({segment:String} = '' OR segment = {segment:String})
          AND (active_days > 0 OR messages > 0)
          AND throwIf(length(nets) > 255, 'more than 255 networks in the panel periods') = 0
        GROUP BY user_key
    ),
    b AS (
        SELECT user_key,
               argMax(network, bitShiftLeft(toUInt64(active_days), 48)
                             + bitShiftLeft(least(messages, 1099511627775), 8)
                             + (255 - indexOf(nets, toString(network)))) AS network
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
SETTINGS join_use_nulls = 0, join_algorithm = 'full_sorting_merge'
