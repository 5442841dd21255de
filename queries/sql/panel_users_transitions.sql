-- The question of panel_transitions.sql answered from panel_users: users by
-- primary network in {from_period} and in {to_period}, '' for users absent
-- from one of them (entrants, leavers). Both periods' rows are read in
-- user_key order (the table's sort order after the segment), so the FULL
-- OUTER JOIN merges two sorted streams instead of hashing 10 M users. Each
-- period's current build is looked up in the same statement as its rows, so
-- a rebuild finishing meanwhile cannot leave it reading a dropped one.
WITH
    (SELECT argMax((generation, networks), generation) FROM panel_users_builds WHERE period = {from_period:Date}) AS fb,
    (SELECT argMax((generation, networks), generation) FROM panel_users_builds WHERE period = {to_period:Date}) AS tb
SELECT arrayElement(fb.2, fl) AS from_network, arrayElement(tb.2, tl) AS to_network, users
FROM (
    SELECT a.lead AS fl, b.lead AS tl, count() AS users
    FROM (
        SELECT user_key, lead FROM panel_users
        WHERE period = {from_period:Date} AND generation = fb.1 AND segment = {segment:String}
    ) AS a
    FULL OUTER JOIN (
        SELECT user_key, lead FROM panel_users
        WHERE period = {to_period:Date} AND generation = tb.1 AND segment = {segment:String}
    ) AS b ON a.user_key = b.user_key
    GROUP BY fl, tl
)
ORDER BY from_network, to_network
SETTINGS join_use_nulls = 0, join_algorithm = 'full_sorting_merge'
