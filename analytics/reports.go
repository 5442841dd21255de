package analytics

import (
	"cmp"
	"regexp"
	"slices"
	"time"

	"github.com/imscope/imscope"
)

// ShareComparison sets a measured share beside a published one for the same
// period and network.
type ShareComparison struct {
	Period    time.Time
	Network   string
	Label     string // the report's own period label ("2010-Q3"); "" for measured-only rows
	Publisher string // "" for measured-only rows
	Basis     string // what the published share is of: users, messages...
	// Measured is imscope's share in percent; nil when imscope has no row
	// for the network in that period.
	Measured *float64
	// Published is the report's figure in percent; nil when no report of
	// the period names the network.
	Published *float64
	Bound     imscope.Bound // eq, lt ("no more than") or gt ("more than")
	// Diff is Measured − Published in percentage points, when both exist
	// and the published figure is exact (Bound eq).
	Diff *float64
	// WithinBound says, for a bound (lt or gt), whether the measured share
	// respects it: Measured ≤ Published for lt, ≥ for gt.
	WithinBound *bool
}

// reportLabels recognise the period labels publishers use, to tell which
// granularity a report is at.
var reportLabels = []struct {
	re *regexp.Regexp
	g  imscope.Granularity
}{
	{regexp.MustCompile(`^\d{4}$`), imscope.Year},
	{regexp.MustCompile(`^\d{4}-?[Qq][1-4]$`), imscope.Quarter},
	{regexp.MustCompile(`^\d{4}-\d{2}$`), imscope.Month},
	{regexp.MustCompile(`^\d{4}-?W\d{2}$`), imscope.Week},
	{regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`), imscope.Day},
}

// labelGranularity returns the granularity a report label is written at,
// and false for a label it does not recognise.
func labelGranularity(label string) (imscope.Granularity, bool) {
	for _, l := range reportLabels {
		if l.re.MatchString(label) {
			return l.g, true
		}
	}
	return "", false
}

// CompareWithReports joins measured shares (from Shares, without top-N
// folding, so that every published network can find its measurement) with
// published reports by period start and network:
//
//	Diff = measured share − published share   (percentage points, exact figures only)
//
// A report is compared only with periods of f's granularity: a quarterly
// report ("2010-Q3") is not set beside a monthly measurement that happens
// to start on the same day. Labels that name no known granularity are
// joined by period start alone. Reports outside f's range are ignored.
//
// The result has one row per report row (Measured nil when imscope has no
// measurement), then, in each period that has a report, one row per
// measured network that no report names (Published nil). Rows are ordered
// by period, publisher, basis, then share descending.
func CompareWithReports(f imscope.Filter, measured []PeriodShares, reports []imscope.MarketReport) ([]ShareComparison, error) {
	if err := checkPeriods(f); err != nil {
		return nil, err
	}
	return compareWithReports(f, measured, reports)
}

// compareWithReports is CompareWithReports for a filter validated where it
// entered.
func compareWithReports(f imscope.Filter, measured []PeriodShares, reports []imscope.MarketReport) ([]ShareComparison, error) {
	type key struct {
		p time.Time
		n string
	}
	meas := map[key]float64{}
	for _, ps := range measured {
		for _, s := range ps.Shares {
			meas[key{ps.Period.UTC(), s.Network}] = s.Share
		}
	}
	var out []ShareComparison
	named := map[key]bool{}
	for i, r := range reports {
		if !finite(r.Share) || r.Share < 0 || r.Share > 100 {
			return nil, invalid("share", "report %d (%s %s): %v is not a percentage", i, r.Period, r.Network, r.Share)
		}
		bound := r.Bound
		switch bound {
		case "":
			bound = imscope.BoundEq
		case imscope.BoundEq, imscope.BoundLt, imscope.BoundGt:
		default:
			return nil, invalid("bound", "report %d (%s %s): %q is not one of eq, lt, gt", i, r.Period, r.Network, r.Bound)
		}
		p := r.PeriodStart.UTC()
		if !inRange(f, p) || !f.Granularity.Start(p).Equal(p) {
			continue
		}
		if g, ok := labelGranularity(r.Period); ok && g != f.Granularity {
			continue
		}
		c := ShareComparison{Period: p, Network: r.Network, Label: r.Period, Publisher: r.Publisher,
			Basis: r.Basis, Published: ptr(r.Share), Bound: bound}
		if m, ok := meas[key{p, r.Network}]; ok {
			c.Measured = ptr(m)
			switch bound {
			case imscope.BoundEq:
				c.Diff = ptr(m - r.Share)
			case imscope.BoundLt:
				c.WithinBound = ptr(m <= r.Share)
			case imscope.BoundGt:
				c.WithinBound = ptr(m >= r.Share)
			}
		}
		named[key{p, r.Network}] = true
		named[key{p, ""}] = true // the period has a report
		out = append(out, c)
	}
	for _, ps := range measured {
		p := ps.Period.UTC()
		if !named[key{p, ""}] {
			continue
		}
		for _, s := range ps.Shares {
			if !named[key{p, s.Network}] {
				out = append(out, ShareComparison{Period: p, Network: s.Network, Measured: ptr(s.Share)})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b ShareComparison) int {
		if c := a.Period.Compare(b.Period); c != 0 {
			return c
		}
		if (a.Publisher == "") != (b.Publisher == "") { // measured-only rows last
			if a.Publisher == "" {
				return 1
			}
			return -1
		}
		if c := cmp.Compare(a.Publisher, b.Publisher); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Basis, b.Basis); c != 0 {
			return c
		}
		if c := cmp.Compare(shareOf(b), shareOf(a)); c != 0 {
			return c
		}
		return cmp.Compare(a.Network, b.Network)
	})
	return out, nil
}

// shareOf is the figure a comparison row sorts by: published if any, else measured.
func shareOf(c ShareComparison) float64 {
	if c.Published != nil {
		return *c.Published
	}
	if c.Measured != nil {
		return *c.Measured
	}
	return 0
}
