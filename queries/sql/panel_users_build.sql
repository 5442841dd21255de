-- One panel period's users, one row per user and segment (or one per user
-- under segment '' when {all_segments} is true: all segments together).
-- The primary network is the one with the most active days, then the most
-- messages, then the smallest id: the three are packed into one UInt128 —
-- days above messages above 255 minus the network's position — so that max
-- picks it, and its low byte gives the position back. The caller passes the
-- networks it read with the row count, so rows that landed since (a
-- network it did not see) are left out, and the count tells that the build
-- is already stale. Records with no activity do not count.
--
-- One statement builds the users whose key is in [{lo}, {hi}]: a period is
-- built a slice of the key space at a time (queries.buildPanel), each slice
-- a short statement, so that readers, whom the embedded engine runs between
-- statements, never wait for a whole period. A user's rows all fall in one
-- slice, and readers see none of the generation until it is recorded.
INSERT INTO panel_users (period, generation, segment, user_key, lead, mask)
SELECT
    {period:Date},
    {generation:UInt64},
    if({all_segments:Bool}, '', segment) AS seg,
    user_key,
    toUInt8(255 - bitAnd(max(bitShiftLeft(toUInt128(active_days), 72)
                           + bitShiftLeft(toUInt128(messages), 8)
                           + (255 - indexOf({networks:Array(String)}, toString(network)))), 255)),
    groupBitOr(bitShiftLeft(toUInt64(1), indexOf({networks:Array(String)}, toString(network)) - 1))
FROM panel_activity
WHERE period = {period:Date}
  AND (active_days > 0 OR messages > 0)
  AND has({networks:Array(String)}, toString(network))
  AND ({all_segments:Bool} OR segment != '')
  AND user_key BETWEEN {lo:UInt64} AND {hi:UInt64}
GROUP BY seg, user_key
