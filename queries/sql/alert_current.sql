-- Each rule's latest transition with its labels, and when its latest firing
-- episode began (the epoch if it never fired): what alert delivery works
-- from. Columns are qualified with a. because the aliases reuse their names.
SELECT a.rule,
       argMax(a.kind, a.ts)    AS kind,
       argMax(a.firing, a.ts)  AS firing,
       max(a.ts)               AS since,
       maxIf(a.ts, a.firing)   AS fired_at,
       argMax(a.value, a.ts)   AS value,
       argMax(a.message, a.ts) AS message,
       argMax(a.labels, a.ts)  AS labels
FROM alert_events AS a
GROUP BY a.rule
