-- {n} usage rows generated inside ClickHouse for benchmarks: three years
-- from 2010-01-01, 8 networks × 5 metrics × 5 segments (the whole market
-- and four named) = 200 series, each sampled every {step_ms}; values
-- weighted by network so that shares look like the 2010 market.
INSERT INTO usage_samples (ts, source, network, metric, segment, value)
SELECT
    toDateTime64('2010-01-01 00:00:00', 3, 'UTC') + toIntervalMillisecond(intDiv(number, 200) * {step_ms:UInt64}) AS ts,
    'bench' AS source,
    ['qq', 'wangwang', 'fetion', 'msn', 'skype', 'sinauc', 'popo', 'yahoo'][number % 8 + 1] AS network,
    ['active_users_1d', 'active_users_30d', 'messages', 'sessions', 'connections'][intDiv(number, 8) % 5 + 1] AS metric,
    ['', 'students', 'office', 'mobile', 'rural'][intDiv(number, 40) % 5 + 1] AS segment,
    [7637, 981, 555, 434, 208, 60, 50, 40][number % 8 + 1] * (1 + (cityHash64(number) % 1000) / 1000) AS value
FROM numbers({n:UInt64})
