package simulate

import (
	"math"
	"time"
)

// The calibrated market: who the networks are, how their shares move, and
// how each kind of user behaves. Every number the demo shows traces back to
// a parameter here; the anchors are calendar dates, so the story (MSN's
// decline, Fetion's rise and fall) stays where it happened whatever window
// the config asks for, and is held flat outside 2010–2012.

// nNet is the number of simulated networks.
const nNet = 8

// Network indices, in the order of shared/data/networks.csv.
const (
	qq = iota
	wangwang
	fetion
	msn
	skype
	sinauc
	popo
	yahoo
)

// netParams are one network's per-user behaviour.
type netParams struct {
	id string
	// dau and wau are the ratios of 1-day and 7-day actives to 30-day
	// actives. They differ little between networks on purpose: the seed
	// figures are shares of users, and shares by 1d or 7d actives should
	// stay within a point or so of them.
	dau, wau float64
	// reg is registered accounts per 30-day active at 2010-01.
	reg float64
	// Per daily active user and day: messages sent, sessions, minutes
	// online; conns is the day's mean concurrent connections per daily
	// active user.
	msgs, sessions, minutes, conns float64
}

var networks = [nNet]netParams{
	qq:       {id: "qq", dau: 0.50, wau: 0.80, reg: 1.7, msgs: 45, sessions: 3.0, minutes: 110, conns: 0.28},
	wangwang: {id: "wangwang", dau: 0.48, wau: 0.78, reg: 1.6, msgs: 30, sessions: 2.4, minutes: 140, conns: 0.35},
	fetion:   {id: "fetion", dau: 0.47, wau: 0.76, reg: 2.2, msgs: 18, sessions: 2.0, minutes: 35, conns: 0.15},
	msn:      {id: "msn", dau: 0.49, wau: 0.78, reg: 2.6, msgs: 35, sessions: 2.2, minutes: 120, conns: 0.30},
	skype:    {id: "skype", dau: 0.47, wau: 0.76, reg: 2.0, msgs: 15, sessions: 1.6, minutes: 60, conns: 0.20},
	sinauc:   {id: "sinauc", dau: 0.45, wau: 0.74, reg: 3.0, msgs: 22, sessions: 1.8, minutes: 50, conns: 0.18},
	popo:     {id: "popo", dau: 0.45, wau: 0.74, reg: 3.0, msgs: 22, sessions: 1.8, minutes: 50, conns: 0.18},
	yahoo:    {id: "yahoo", dau: 0.45, wau: 0.74, reg: 3.5, msgs: 20, sessions: 1.8, minutes: 45, conns: 0.18},
}

// shareAnchor is the market's share of 30-day active users (percent) on one
// date; shares between anchors are interpolated linearly and renormalised.
type shareAnchor struct {
	at     time.Time
	shares [nNet]float64
}

// shareAnchors tell the story. 2010-08-15 (mid third quarter) is exactly the
// Analysys figures, the three "under 1%" split as 0.75/0.62/0.48. QQ slowly
// gains; Wangwang rides Taobao; Fetion rises into 2011 and falls once
// smartphone messengers arrive; MSN declines steadily; Skype edges up; Sina
// UC, POPO and Yahoo fade (Yahoo's Chinese IM closed in 2013).
var shareAnchors = []shareAnchor{
	{date(2010, 1, 1), [nNet]float64{75.2, 9.4, 5.0, 5.3, 2.0, 1.1, 0.9, 0.75}},
	{date(2010, 8, 15), [nNet]float64{76.37, 9.81, 5.55, 4.34, 2.08, 0.75, 0.62, 0.48}},
	{date(2011, 6, 15), [nNet]float64{77.4, 10.1, 6.3, 3.4, 2.2, 0.55, 0.45, 0.32}},
	{date(2012, 12, 31), [nNet]float64{79.2, 10.6, 4.2, 2.3, 2.5, 0.40, 0.35, 0.15}},
}

// shareRef is where the secondary-use table of the segment profiles and the
// bridges' volumes are calibrated.
var shareRef = date(2010, 8, 15)

// Market size: the sum over networks of 30-day actives (a multi-homer counts
// once per network), 520 million in January 2010, growing ~0.95% a month.
const (
	marketUsers0  = 520e6
	marketGrowth  = 0.0095 // per month, continuous
	registeredGro = 0.013  // registered accounts grow faster than actives
)

var marketEpoch = date(2010, 1, 1)

// monthsSince is the (fractional) number of average months from a to b.
func monthsSince(a, b time.Time) float64 {
	return b.Sub(a).Hours() / (24 * 365.2425 / 12)
}

// shares returns the percent share of each network at t (sums to 100).
func shares(t time.Time) [nNet]float64 {
	a := shareAnchors
	var s [nNet]float64
	switch {
	case !t.After(a[0].at):
		s = a[0].shares
	case !t.Before(a[len(a)-1].at):
		s = a[len(a)-1].shares
	default:
		for i := 1; i < len(a); i++ {
			if t.Before(a[i].at) {
				f := float64(t.Sub(a[i-1].at)) / float64(a[i].at.Sub(a[i-1].at))
				for n := range s {
					s[n] = a[i-1].shares[n]*(1-f) + a[i].shares[n]*f
				}
				break
			}
		}
	}
	var sum float64
	for _, x := range s {
		sum += x
	}
	for n := range s {
		s[n] *= 100 / sum
	}
	return s
}

// marketSize is the sum over networks of 30-day actives at t.
func marketSize(t time.Time) float64 {
	return marketUsers0 * math.Exp(marketGrowth*monthsSince(marketEpoch, t))
}

// segmentProfile is how one kind of user behaves. The segments partition
// the users: every user (and every usage row) belongs to exactly one.
type segmentProfile struct {
	name   string
	weight float64 // share of all users
	// affinity is the relative propensity of the segment to use each
	// network: it splits each network's users between segments and
	// weights a panel user's choice of primary network.
	affinity [nNet]float64
	// secondary is the chance, at 2010-08, that a panel user keeps network
	// n beside their primary one; it scales with n's share since then
	// (network effects).
	secondary [nNet]float64
	weekend   [2]float64 // Saturday and Sunday multipliers on daily activity
	holiday   float64    // multiplier in the Spring Festival week
	summer    float64    // multiplier 10 July – 31 August (school holidays)
	msgs      float64    // multiplier on messages per active user
	minutes   float64    // multiplier on minutes per active user
	// Per quarter: switching × (1 − w) is the chance that a panel user
	// whose primary network has weight w in the segment moves to another,
	// and leaving the chance they leave the panel.
	switching, leaving float64
}

// knownSegments are the built-in profiles; a configured segment with
// another name gets neutralSegment's behaviour under its own name.
var knownSegments = []segmentProfile{
	{
		name: "students", weight: 0.30,
		affinity:  [nNet]float64{1.15, 0.5, 1.1, 0.6, 0.6, 1.0, 1.4, 0.5},
		secondary: [nNet]float64{0.70, 0.05, 0.20, 0.06, 0.03, 0.02, 0.05, 0.01},
		weekend:   [2]float64{1.08, 1.05}, holiday: 0.85, summer: 0.88,
		msgs: 1.3, minutes: 1.1, switching: 0.11, leaving: 0.04,
	},
	{
		name: "office", weight: 0.28,
		affinity:  [nNet]float64{0.85, 1.3, 0.7, 2.4, 1.9, 0.8, 0.9, 1.6},
		secondary: [nNet]float64{0.75, 0.08, 0.08, 0.30, 0.12, 0.015, 0.02, 0.03},
		weekend:   [2]float64{0.72, 0.68}, holiday: 0.50, summer: 1.0,
		msgs: 1.0, minutes: 1.3, switching: 0.08, leaving: 0.025,
	},
	{
		name: "mobile", weight: 0.22,
		affinity:  [nNet]float64{0.95, 0.6, 2.4, 0.4, 0.3, 1.0, 0.6, 0.3},
		secondary: [nNet]float64{0.55, 0.04, 0.30, 0.03, 0.01, 0.02, 0.01, 0.005},
		weekend:   [2]float64{1.0, 1.0}, holiday: 1.05, summer: 1.0,
		msgs: 0.8, minutes: 0.6, switching: 0.12, leaving: 0.035,
	},
	{
		name: "home", weight: 0.20,
		affinity:  [nNet]float64{1.0, 1.25, 0.8, 0.7, 1.0, 1.2, 0.9, 0.9},
		secondary: [nNet]float64{0.60, 0.18, 0.08, 0.04, 0.04, 0.02, 0.015, 0.01},
		weekend:   [2]float64{1.12, 1.10}, holiday: 1.0, summer: 1.0,
		msgs: 0.9, minutes: 1.0, switching: 0.08, leaving: 0.03,
	},
}

// neutralSegment is the behaviour of a configured segment that has no
// built-in profile: the market average, with no weekly or seasonal swing.
var neutralSegment = segmentProfile{
	weight:    0.25,
	affinity:  [nNet]float64{1, 1, 1, 1, 1, 1, 1, 1},
	secondary: [nNet]float64{0.65, 0.09, 0.15, 0.10, 0.05, 0.02, 0.02, 0.015},
	weekend:   [2]float64{1, 1}, holiday: 0.9, summer: 1,
	msgs: 1, minutes: 1, switching: 0.10, leaving: 0.03,
}

// DefaultSegments are the segments of the default config, one per built-in
// profile.
var DefaultSegments = []string{"students", "office", "mobile", "home"}

// profileFor returns the behaviour of the named segment.
func profileFor(name string) segmentProfile {
	for _, p := range knownSegments {
		if p.name == name {
			return p
		}
	}
	p := neutralSegment
	p.name = name
	return p
}

// springFestival lists Chinese New Year's Day, for the holiday dip.
var springFestival = []time.Time{
	date(2008, 2, 7), date(2009, 1, 26), date(2010, 2, 14), date(2011, 2, 3),
	date(2012, 1, 23), date(2013, 2, 10), date(2014, 1, 31), date(2015, 2, 19),
	date(2016, 2, 8), date(2017, 1, 28), date(2018, 2, 16), date(2019, 2, 5),
	date(2020, 1, 25), date(2021, 2, 12), date(2022, 2, 1), date(2023, 1, 22),
	date(2024, 2, 10), date(2025, 1, 29), date(2026, 2, 17), date(2027, 2, 6),
	date(2028, 1, 26), date(2029, 2, 13), date(2030, 2, 3),
}

// seasonal is the segment's holiday multiplier on a (UTC-midnight) day.
func (p *segmentProfile) seasonal(day time.Time) float64 {
	f := 1.0
	for _, ny := range springFestival {
		if d := day.Sub(ny); d >= -24*time.Hour && d < 7*24*time.Hour {
			f *= p.holiday
			break
		}
	}
	if m, d := day.Month(), day.Day(); (m == time.July && d >= 10) || m == time.August {
		f *= p.summer
	}
	return f
}

// weekly is the segment's multiplier for the day's weekday.
func (p *segmentProfile) weekly(day time.Time) float64 {
	switch day.Weekday() {
	case time.Saturday:
		return p.weekend[0]
	case time.Sunday:
		return p.weekend[1]
	}
	return 1
}

func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
