package analytics

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/imscope/imscope"
)

// Source says where a market's shares come from: imscope's measured usage,
// or figures a publisher printed (market_reports). Many analysts have only
// the latter, so every market question can be asked of either.
type Source string

const (
	// SourceAuto: measured where the range has measured usage, else published.
	SourceAuto Source = "auto"
	// SourceMeasured: shares of measured usage.
	SourceMeasured Source = "measured"
	// SourcePublished: published shares, one publisher and basis at a time.
	SourcePublished Source = "published"
)

// ParseSource reads a source name; "" is SourceAuto.
func ParseSource(s string) (Source, error) {
	switch Source(s) {
	case "", SourceAuto:
		return SourceAuto, nil
	case SourceMeasured, SourcePublished:
		return Source(s), nil
	}
	return "", invalid("source", "%q is not one of auto, measured, published", s)
}

// SourceChoice is what a question asks for: a source, and for published
// figures optionally the publisher and basis ("" = the only one there is).
type SourceChoice struct {
	Source    Source
	Publisher string
	Basis     string
}

// Series is one publisher's figures on one basis: the unit shares are
// never mixed across (a share of active accounts counts a user with two
// accounts twice; a share of users does not).
type Series struct {
	Publisher string
	Basis     string
}

// SourceUsed says which source an answer used, and for published figures
// which series; Available lists every published series in the range, so a
// caller can offer the others.
type SourceUsed struct {
	Source    Source
	Publisher string // published only
	Basis     string // published only
	Available []Series
}

// PublishedPeriod is one period of one published series.
type PublishedPeriod struct {
	Period time.Time
	Label  string // as published: "2010-Q3"
	Rows   []BoundedShare
}

// PublishedMarkets selects the published figures of f's range and
// granularity for one series and groups them by period. A figure joins f
// when its label is written at f's granularity ("2010-Q3" for quarters, a
// bare "2010" for years) or at no granularity imscope knows, and its period
// starts a period of f — a quarter's share is not a year's. publisher and
// basis narrow the series ("" = any); when more than one series remains,
// the answer is refused naming basis (or publisher, when the bases agree),
// with the choices: shares of different bases or publishers are never
// summed or drawn as one series. available lists every series of the range
// at f's granularity, before narrowing.
func PublishedMarkets(f imscope.Filter, reports []imscope.MarketReport, publisher, basis string) (used Series, available []Series, periods []PublishedPeriod, err error) {
	var in []imscope.MarketReport
	seen := map[Series]bool{}
	for _, r := range reports {
		p := r.PeriodStart.UTC()
		if !inRange(f, p) || !f.Granularity.Start(p).Equal(p) {
			continue
		}
		if g, ok := labelGranularity(r.Period); ok && g != f.Granularity {
			continue
		}
		s := Series{r.Publisher, r.Basis}
		if !seen[s] {
			seen[s] = true
			available = append(available, s)
		}
		if (publisher == "" || r.Publisher == publisher) && (basis == "" || r.Basis == basis) {
			in = append(in, r)
		}
	}
	slices.SortFunc(available, func(a, b Series) int {
		return cmp.Or(cmp.Compare(a.Basis, b.Basis), cmp.Compare(a.Publisher, b.Publisher))
	})
	if len(in) == 0 {
		switch {
		case publisher != "" && !slices.ContainsFunc(available, func(s Series) bool { return s.Publisher == publisher }):
			return used, available, nil, invalid("publisher", "no figures of %q in the range at this granularity%s", publisher, choices(available, func(s Series) string { return s.Publisher }))
		case basis != "" && !slices.ContainsFunc(available, func(s Series) bool { return s.Basis == basis }):
			return used, available, nil, invalid("basis", "no figures on basis %q in the range at this granularity%s", basis, choices(available, func(s Series) string { return s.Basis }))
		}
		return Series{Publisher: publisher, Basis: basis}, available, nil, nil
	}
	bases := map[string]bool{}
	pubs := map[string]bool{}
	for _, r := range in {
		bases[r.Basis] = true
		pubs[r.Publisher] = true
	}
	if len(bases) > 1 {
		return used, available, nil, invalid("basis", "the range has shares on %d bases (%s), which are never mixed: choose one with basis=",
			len(bases), strings.Join(slices.Sorted(maps.Keys(bases)), ", "))
	}
	if len(pubs) > 1 {
		return used, available, nil, invalid("publisher", "the range has shares from %d publishers (%s), shown side by side, never as one series: choose one with publisher=",
			len(pubs), strings.Join(slices.Sorted(maps.Keys(pubs)), ", "))
	}
	used = Series{in[0].Publisher, in[0].Basis}
	byPeriod := map[time.Time]*PublishedPeriod{}
	for _, r := range in {
		p := r.PeriodStart.UTC()
		pp := byPeriod[p]
		if pp == nil {
			pp = &PublishedPeriod{Period: p, Label: r.Period}
			byPeriod[p] = pp
		}
		b := r.Bound
		if b == "" {
			b = imscope.BoundEq
		}
		pp.Rows = append(pp.Rows, BoundedShare{Network: r.Network, Share: r.Share, Bound: b})
	}
	for _, p := range slices.SortedFunc(maps.Keys(byPeriod), func(a, b time.Time) int { return a.Compare(b) }) {
		periods = append(periods, *byPeriod[p])
	}
	return used, available, periods, nil
}

// choices renders the values a parameter could take, for a refusal.
func choices(available []Series, of func(Series) string) string {
	var vs []string
	for _, s := range available {
		if v := of(s); !slices.Contains(vs, v) {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return ""
	}
	return fmt.Sprintf("; there are: %s", strings.Join(vs, ", "))
}

// PublishedShares turns published periods into shares as published: Value
// and Share are both the figure in percent (not renormalised: a publisher's
// rows need not sum to 100), Bound says whether it is exact, and Total is
// the sum of the exact figures and floors. Ranks follow the figures; ΔPrev
// and ΔYear exist only between exact figures of the same series. networks,
// when set, keeps only those rows (published rows of other networks are
// not folded into "other": their bounds would not add up to a figure).
func PublishedShares(g imscope.Granularity, periods []PublishedPeriod, networks []string) []PeriodShares {
	type key struct {
		p time.Time
		n string
	}
	exact := map[key]float64{}
	for _, pp := range periods {
		for _, r := range pp.Rows {
			if r.Bound == imscope.BoundEq {
				exact[key{pp.Period, r.Network}] = r.Share
			}
		}
	}
	out := make([]PeriodShares, 0, len(periods))
	for _, pp := range periods {
		ps := PeriodShares{Period: pp.Period}
		prev, year := previousPeriod(g, pp.Period), yearEarlier(g, pp.Period)
		for _, r := range pp.Rows {
			if r.Bound != imscope.BoundLt {
				ps.Total += r.Share
			}
			if len(networks) > 0 && !slices.Contains(networks, r.Network) {
				continue
			}
			s := Share{Network: r.Network, Value: r.Share, Share: r.Share, Bound: r.Bound}
			if r.Bound == imscope.BoundEq {
				if b, ok := exact[key{prev, r.Network}]; ok {
					s.DeltaPrev = ptr(r.Share - b)
				}
				if b, ok := exact[key{year, r.Network}]; ok {
					s.DeltaYear = ptr(r.Share - b)
				}
			}
			ps.Shares = append(ps.Shares, s)
		}
		rankShares(ps.Shares)
		out = append(out, ps)
	}
	return out
}

// PublishedConcentration is ConcentrateBounded for every published period.
func PublishedConcentration(periods []PublishedPeriod) ([]Concentration, error) {
	out := make([]Concentration, 0, len(periods))
	for _, pp := range periods {
		c, err := ConcentrateBounded(pp.Rows)
		if err != nil {
			return nil, fmt.Errorf("published %s: %w", pp.Label, err)
		}
		c.Period = pp.Period
		out = append(out, c)
	}
	return out, nil
}

// PublishedMergers is Mergers over published periods, with the intervals
// the bounds allow (MergeBounded).
func PublishedMergers(periods []PublishedPeriod, members []string) (out []PeriodMerger, absent []string, err error) {
	seen := map[string]bool{}
	for _, pp := range periods {
		m, err := newBoundedMarket(pp.Rows)
		if err != nil {
			return nil, nil, fmt.Errorf("published %s: %w", pp.Label, err)
		}
		pm := PeriodMerger{Period: pp.Period}
		for _, n := range members {
			if _, ok := m.idx[n]; ok {
				pm.Present = append(pm.Present, n)
				seen[n] = true
			} else {
				pm.Missing = append(pm.Missing, n)
			}
		}
		if len(pm.Missing) == 0 {
			mg, err := m.merge(pm.Present)
			if err != nil {
				return nil, nil, err
			}
			pm.Merger = &mg
		}
		out = append(out, pm)
	}
	for _, n := range members {
		if !seen[n] && !slices.Contains(absent, n) {
			absent = append(absent, n)
		}
	}
	return out, absent, nil
}
