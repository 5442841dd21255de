package analytics

import (
	"cmp"
	"slices"
	"time"

	"github.com/imscope/imscope"
)

// ShareInput is one network's value of a metric in one period — a row of
// "GROUP BY period, network" (queries.UsageTotal carries the same fields).
// A network without samples in a period has no row: that is missing, not 0.
type ShareInput struct {
	Period  time.Time // start of the period
	Network string
	Value   float64 // in the metric's unit; must be finite and ≥ 0
}

// Share is one network's share of one period.
type Share struct {
	Network string
	Value   float64 // the period's value, in the metric's unit
	Share   float64 // percent of the period's total: Value / Total × 100
	// Rank is 1 for the largest share in the period (ties by network id);
	// 0 for the OtherNetwork entry, which always comes last.
	Rank int
	// DeltaPrev is Share minus the same network's share in the previous
	// period, in percentage points; nil when that period or the network's
	// row in it is missing.
	DeltaPrev *float64
	// DeltaYear is the same against the period a year earlier (52 weeks for
	// weekly data); nil when missing.
	DeltaYear *float64
	// Folded lists the networks folded into the OtherNetwork entry in this
	// period; empty for every other entry.
	Folded []string
	// Bound is how a published share was printed (eq, lt "no more than",
	// gt "more than"); "" for measured shares, which are exact.
	Bound imscope.Bound
}

// PeriodShares is the market of one period.
type PeriodShares struct {
	Period time.Time
	Total  float64 // Σ value over every network, in the metric's unit
	Shares []Share // by rank; OtherNetwork last
}

// Shares computes each network's share of each period of f for f's metric:
//
//	share(n, p) = value(n, p) / Σ_k value(k, p) × 100
//
// with changes in percentage points against the previous period and the
// same period a year earlier:
//
//	ΔPrev(n, p) = share(n, p) − share(n, p−1)
//	ΔYear(n, p) = share(n, p) − share(n, p−1y)
//
// A comparison exists only when the comparison period has rows and the same
// network has a row in it; otherwise it is nil (missing is not zero). Rows
// before f.From serve only as comparison bases — query from ComparisonFrom(f)
// to have year-earlier changes for every period — and rows at or after f.To
// are ignored. A period whose total is 0 has no shares and is left out.
//
// When f.Networks is set, the other networks are folded into OtherNetwork,
// so shares keep the whole market as denominator. When top > 0, only the top
// networks are kept and the rest folded into OtherNetwork too; the top are
// the networks with the largest summed share over the periods of f, so one
// set is shown across the whole chart.
//
// Worked example (docs/metrics.md): values qq 60, msn 30, skype 10 give
// shares 60, 30 and 10; if msn had 20 of 80 the period before, its ΔPrev is
// 30 − 25 = +5 points.
func Shares(f imscope.Filter, rows []ShareInput, top int) ([]PeriodShares, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return shares(f, rows, top)
}

// shares is Shares for a filter validated where it entered.
func shares(f imscope.Filter, rows []ShareInput, top int) ([]PeriodShares, error) {
	if top < 0 {
		return nil, invalid("top", "must be 0 (all networks) or positive, not %d", top)
	}
	m, err := aggregateShares(f, rows, newSelection(f.Networks))
	if err != nil {
		return nil, err
	}
	if top > 0 {
		m = m.foldTop(f, top)
	}
	return m.periods(f), nil
}

// shareMarket holds every period's values by network after folding, and the
// networks folded into OtherNetwork.
type shareMarket struct {
	g      imscope.Granularity
	values map[time.Time]map[string]float64
	folded map[time.Time][]string
}

// aggregateShares validates rows and folds unselected networks. Rows at or
// after f.To are dropped; earlier ones are kept as comparison bases.
func aggregateShares(f imscope.Filter, rows []ShareInput, sel selection) (*shareMarket, error) {
	m := &shareMarket{g: f.Granularity, values: map[time.Time]map[string]float64{}, folded: map[time.Time][]string{}}
	type key struct {
		p time.Time
		n string
	}
	seen := make(map[key]bool, len(rows))
	for i, r := range rows {
		if err := checkAligned("period", i, f.Granularity, r.Period); err != nil {
			return nil, err
		}
		if r.Network == "" {
			return nil, invalid("network", "row %d: empty network", i)
		}
		if !finite(r.Value) || r.Value < 0 {
			return nil, invalid("value", "row %d (%s, %s): %v is not a finite non-negative value", i, r.Network, r.Period.Format(time.DateOnly), r.Value)
		}
		k := key{r.Period.UTC(), r.Network}
		if seen[k] {
			return nil, invalid("rows", "row %d: %s appears twice in period %s", i, r.Network, r.Period.Format(time.DateOnly))
		}
		seen[k] = true
		if !r.Period.Before(f.To) {
			continue
		}
		m.add(k.p, r.Network, sel.fold(r.Network), r.Value)
	}
	return m, nil
}

func (m *shareMarket) add(p time.Time, network, as string, v float64) {
	vs := m.values[p]
	if vs == nil {
		vs = map[string]float64{}
		m.values[p] = vs
	}
	vs[as] += v
	if as == OtherNetwork && network != OtherNetwork {
		m.folded[p] = append(m.folded[p], network)
	}
}

func (m *shareMarket) total(p time.Time) float64 {
	var t float64
	for _, v := range m.values[p] {
		t += v
	}
	return t
}

// foldTop keeps the top networks by summed share over f's periods and folds
// the rest into OtherNetwork, in every period (comparison bases included, so
// that "other" compares like with like).
func (m *shareMarket) foldTop(f imscope.Filter, top int) *shareMarket {
	score := map[string]float64{}
	for p, vs := range m.values {
		t := m.total(p)
		if !inRange(f, p) || t == 0 {
			continue
		}
		for n, v := range vs {
			if n != OtherNetwork {
				score[n] += v / t
			}
		}
	}
	ranked := make([]string, 0, len(score))
	for n := range score {
		ranked = append(ranked, n)
	}
	slices.SortFunc(ranked, func(a, b string) int {
		if c := cmp.Compare(score[b], score[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	if len(ranked) > top {
		ranked = ranked[:top]
	}
	keep := newSelection(ranked)
	out := &shareMarket{g: m.g, values: map[time.Time]map[string]float64{}, folded: map[time.Time][]string{}}
	for p, vs := range m.values {
		out.values[p] = map[string]float64{}
		for n, v := range vs {
			as := keep.fold(n)
			out.values[p][as] += v
		}
		out.folded[p] = slices.Clone(m.folded[p])
		for n := range vs {
			if n != OtherNetwork && keep.fold(n) == OtherNetwork {
				out.folded[p] = append(out.folded[p], n)
			}
		}
	}
	return out
}

// share returns network n's share of period p in percent, and whether it exists.
func (m *shareMarket) share(p time.Time, n string) (float64, bool) {
	vs, ok := m.values[p]
	if !ok {
		return 0, false
	}
	v, ok := vs[n]
	t := m.total(p)
	if !ok || t == 0 {
		return 0, false
	}
	return v / t * 100, true
}

// periods renders the periods of f, ranked, with their comparisons.
func (m *shareMarket) periods(f imscope.Filter) []PeriodShares {
	var ps []time.Time
	for p := range m.values {
		if inRange(f, p) && m.total(p) > 0 {
			ps = append(ps, p)
		}
	}
	slices.SortFunc(ps, func(a, b time.Time) int { return a.Compare(b) })
	out := make([]PeriodShares, 0, len(ps))
	for _, p := range ps {
		t := m.total(p)
		prev, year := previousPeriod(m.g, p), yearEarlier(m.g, p)
		shares := make([]Share, 0, len(m.values[p]))
		for n, v := range m.values[p] {
			s := Share{Network: n, Value: v, Share: v / t * 100}
			if b, ok := m.share(prev, n); ok {
				s.DeltaPrev = ptr(s.Share - b)
			}
			if b, ok := m.share(year, n); ok {
				s.DeltaYear = ptr(s.Share - b)
			}
			if n == OtherNetwork {
				s.Folded = slices.Sorted(slices.Values(m.folded[p]))
			}
			shares = append(shares, s)
		}
		rankShares(shares)
		out = append(out, PeriodShares{Period: p, Total: t, Shares: shares})
	}
	return out
}

// rankShares sorts by share descending, ties by network id, OtherNetwork
// last, and numbers the ranks.
func rankShares(s []Share) {
	slices.SortFunc(s, func(a, b Share) int {
		if (a.Network == OtherNetwork) != (b.Network == OtherNetwork) {
			if a.Network == OtherNetwork {
				return 1
			}
			return -1
		}
		if c := cmp.Compare(b.Share, a.Share); c != 0 {
			return c
		}
		return cmp.Compare(a.Network, b.Network)
	})
	for i := range s {
		if s[i].Network != OtherNetwork {
			s[i].Rank = i + 1
		}
	}
}
