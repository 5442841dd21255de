// Package simulate is the demo market: a deterministic simulation of the
// Chinese instant-messaging market of 2010–2012 that `imscope demo` and
// `make run` load, so that a new user sees every chart filled and every
// analytic (shares, HHI, switching, multi-homing, reachability, bridge
// health) gives numbers that can be checked by hand against the model
// below. Nothing here is measured data: it is a seeded story built on one
// published fact, Analysys International's third-quarter 2010 shares of
// users (QQ 76.37%, Ali Wangwang 9.81%, Fetion 5.55%, MSN 4.34%, Skype
// 2.08%, Sina UC, NetEase POPO and Yahoo Messenger under 1% each).
//
// # Modes
//
// History emits the whole dataset once (the default config: 2010-01 to
// 2012-12, about 4.5 million rows in about two seconds on one core).
// Collect, run on the collector schedule, emits live rows for the minutes
// since its previous call, stamped with real time, so the Bridges page and
// today's counters move. The same seed always yields the same rows; live
// rows depend only on the seed and the minute.
//
// # Tables
//
// market_reports: the eight published 2010-Q3 figures, exactly as in
// shared/data/im-share-q3.csv (the three small networks as bound "lt" 1%).
//
// usage_samples: one row per day (stamped 00:00 UTC), network, segment and
// catalog metric. Gauges are the day's level — active_users_1d/7d/30d,
// registered_users, and connections as the day's mean concurrent
// connections; counters (messages, sessions, minutes) are the day's
// increment. Segments partition the users (default students, office, mobile,
// home), and segment "" (the whole market) is exactly the sum of the
// segment rows, for every metric. Guarantees: values are whole and
// non-negative, and active_users_1d ≤ 7d ≤ 30d ≤ registered_users.
//
// The market's size (the sum over networks of 30-day actives, a multi-homer
// counted once per network) is 520 million in January 2010 and grows about
// 0.95% a month. Shares of 30-day actives follow anchors interpolated
// linearly: 2010-01-01, 2010-08-15 (exactly the Analysys figures, the small
// three as 0.75, 0.62 and 0.48%), 2011-06-15 and 2012-12-31. QQ drifts from
// 75% to 79%, Wangwang from 9.4% to 10.6%, Fetion rises to 6.3% in mid-2011
// and falls to 4.2%, MSN declines from 5.3% to 2.3%, Skype edges up to 2.5%,
// and the small three fade (Yahoo to 0.15%). So 2010-Q3 shares by
// active_users_30d land within a few hundredths of a point of the published
// figures, and by 1d/7d actives within about one point (QQ's users are the
// most active). 7-day and 1-day actives are 74–80% and 45–50% of 30-day
// actives; daily activity dips at weekends for office workers and rises for
// students and home users, drops in the Spring Festival week and, for
// students, in the summer holidays. Each network's users split between
// segments by segment weight × affinity: MSN and Skype lean office, Fetion
// mobile, POPO students, Wangwang office and home.
//
// bridge_traffic: the interconnection pilot (QQ never joins).
//
//   - fetion-msn, a gateway, opens 2011-06-15 10:00 CST (02:00 UTC):
//     fetion→msn 1.6 M and msn→fetion 1.3 M messages a day once adopted,
//     failure ratio 0.4% and 0.6%, median latency 90 and 110 ms.
//   - xmpp-fed, a federation of sinauc, popo and yahoo (six routes), opens
//     2012-03-01 10:00 CST: 30–90 k messages a day per route, failures
//     0.3–0.8%, median latency 140–180 ms.
//
// Volume ramps up after opening (time constant 40 days), follows the two
// networks' sizes, peaks at 10:00 and 21:00 CST with a trough at 04:00
// (peak hours carry ten times the trough), and dips at weekends on the
// office-heavy gateway. Counts are Poisson. Latency is a histogram over all
// messages in fixed microsecond buckets (5 ms, 10, 25, 50, 100, 250,
// 500 ms, 1 s, 2.5, 5, 10 s, +Inf): delivered messages log-normal around the
// route's median, failed ones (timeouts) log-normal around 4 s; LatencySum
// is in seconds. Rows are hourly from each opening until 48 hours before the
// end of the history, then per minute.
//
// Incidents (Source.Incidents lists them): about three a year per bridge in
// the hourly span, whole hours, 1–4 hours long, at least a day apart and
// not in a bridge's first week, plus one of 1–2 hours on the busiest bridge
// inside the final 48 hours. During an incident every route of the bridge
// fails 20–60% of messages and latency is ten times normal. In live mode a
// bridge has, on one UTC day in five, one incident of 10–40 minutes.
//
// panel_activity: a panel of users (200,000 in the first period, growing
// ~1% a quarter) with quarterly periods by default (monthly on request).
// Each user has a segment, a key (a 64-bit value derived from the seed,
// standing for the keyed hash of an external id), one primary network and
// possibly others: a new user's primary is drawn ∝ share × segment affinity
// and each other network is kept with a segment-specific chance that grows
// with the network's share (office workers keep MSN beside QQ, mobile users
// Fetion). Each period about 3% of users leave and entrants replace them;
// a user whose primary has weight w in their segment switches with chance
// ≈ 10% × (1 − w) (more when that network is shrinking), which makes the
// market shares the chain's steady state: about 4% of staying users change
// primary per quarter, and about half keep two or more networks. The
// primary has the most active days in the period and every other network
// strictly fewer, so "primary = most active days" recovers the model's
// primary. Messages are at least one per active day.
//
// # Live mode
//
// Each Collect emits, per whole minute since the previous call (the first
// call: the minute just completed; at most 48 hours back; never a minute
// before the end of the history), every open route's traffic and every
// network's and segment's messages, sessions, minutes and connections, and
// with the first minute of each UTC day the day's active and registered
// users. The market stays at its state on the last day of the history;
// real time supplies the CST hour, weekday, holidays and noise.
//
// Randomness is hashed from (seed, series, time) or drawn from a seeded
// SplitMix64 stream, never from math/rand, so datasets do not change
// between Go releases.
package simulate
