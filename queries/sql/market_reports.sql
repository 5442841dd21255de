-- Published shares whose period starts in [from, to), latest import of each.
SELECT period, period_start, publisher, basis, network, share, bound, note
FROM market_reports FINAL
WHERE period_start >= toDate32({from:DateTime64(3, 'UTC')})
  AND period_start < toDate32({to:DateTime64(3, 'UTC')})
ORDER BY period_start, publisher, basis, share DESC, network
