-- A bridge traffic series per minute for alert rules: messages, failures
-- or the failure ratio, over the routes the labels select ('' = any).
SELECT
    minute AS ts,
    multiIf({series:String} = 'messages', toFloat64(sum(messages)),
            {series:String} = 'failures', toFloat64(sum(failures)),
            if(sum(messages) = 0, nan, sum(failures) / sum(messages))) AS value
FROM bridge_traffic_1m
WHERE minute >= {from:DateTime64(3, 'UTC')} AND minute < {to:DateTime64(3, 'UTC')}
  AND ({bridge:String} = '' OR bridge = {bridge:String})
  AND ({from_network:String} = '' OR from_network = {from_network:String})
  AND ({to_network:String} = '' OR to_network = {to_network:String})
GROUP BY ts
HAVING NOT isNaN(value)
ORDER BY ts
