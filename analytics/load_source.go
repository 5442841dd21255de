package analytics

import (
	"context"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/queries"
)

// sourced is a question's market once its source is settled: the measured
// rows (read in either case, for the comparison with published figures),
// the range's published figures, and the periods of the chosen series when
// the source is published.
type sourced struct {
	used      SourceUsed
	measured  []ShareInput
	reports   []imscope.MarketReport
	published []PublishedPeriod
}

// resolveSource reads what q's range holds and settles the source: auto is
// measured when the range has measured usage of q's metric, else published
// when it has published figures at q's granularity, else measured (an
// empty answer). Measured rows are read for wide, which may start earlier
// than q (year-on-year comparisons).
func resolveSource(ctx context.Context, e queries.Engine, q Question, c SourceChoice, wide Question) (sourced, error) {
	var s sourced
	var err error
	if s.measured, err = usageRows(ctx, e, wide); err != nil {
		return s, err
	}
	if s.reports, err = queries.MarketReports(ctx, e, q.f.From, q.f.To); err != nil {
		return s, err
	}
	source := c.Source
	if source == "" {
		source = SourceAuto
	}
	hasMeasured := false
	for _, r := range s.measured {
		if inRange(q.f, r.Period) && r.Value > 0 {
			hasMeasured = true
			break
		}
	}
	_, avail, _, _ := PublishedMarkets(q.f, s.reports, "", "")
	s.used = SourceUsed{Source: SourceMeasured, Available: avail}
	if source == SourceMeasured || (source == SourceAuto && hasMeasured) {
		return s, nil
	}
	used, _, periods, err := PublishedMarkets(q.f, s.reports, c.Publisher, c.Basis)
	if err != nil {
		return s, err
	}
	if source == SourceAuto && len(periods) == 0 {
		return s, nil
	}
	s.used = SourceUsed{Source: SourcePublished, Publisher: used.Publisher, Basis: used.Basis, Available: avail}
	s.published = periods
	return s, nil
}

// MarketShareFrom is MarketShare from the chosen source. From published
// figures the shares are as published (PublishedShares), concentration
// carries the bounds' intervals, and the comparison with measured shares
// is kept, so the table of differences reads the same either way.
func MarketShareFrom(ctx context.Context, e queries.Engine, q Question, top int, c SourceChoice) (ShareReport, error) {
	f := q.f
	wide := f
	wide.Networks = nil
	wide.From = ComparisonFrom(f)
	s, err := resolveSource(ctx, e, q, c, Question{f: wide})
	if err != nil {
		return ShareReport{}, err
	}
	r := ShareReport{Source: s.used}
	measured, err := shares(f, s.measured, top)
	if err != nil {
		return r, err
	}
	if s.used.Source == SourcePublished {
		r.Periods = PublishedShares(f.Granularity, s.published, f.Networks)
		if r.Concentration, err = PublishedConcentration(s.published); err != nil {
			return r, err
		}
	} else {
		r.Periods = measured
		if r.Concentration, err = concentrationSeries(f, s.measured); err != nil {
			return r, err
		}
	}
	if r.Published, err = compareWithReports(f, measured, s.reports); err != nil {
		return r, err
	}
	return r, nil
}

// ConcentrationFrom is ConcentrationIn from the chosen source.
func ConcentrationFrom(ctx context.Context, e queries.Engine, q Question, c SourceChoice) ([]Concentration, SourceUsed, error) {
	whole := q.f
	whole.Networks = nil
	s, err := resolveSource(ctx, e, q, c, Question{f: whole})
	if err != nil {
		return nil, s.used, err
	}
	if s.used.Source == SourcePublished {
		conc, err := PublishedConcentration(s.published)
		return conc, s.used, err
	}
	conc, err := concentrationSeries(q.f, s.measured)
	return conc, s.used, err
}

// MergersFrom is MergersIn from the chosen source.
func MergersFrom(ctx context.Context, e queries.Engine, q Question, members []string, c SourceChoice) ([]PeriodMerger, []string, SourceUsed, error) {
	whole := q.f
	whole.Networks = nil
	s, err := resolveSource(ctx, e, q, c, Question{f: whole})
	if err != nil {
		return nil, nil, s.used, err
	}
	if s.used.Source == SourcePublished {
		out, absent, err := PublishedMergers(s.published, members)
		return out, absent, s.used, err
	}
	periods, err := shares(whole, s.measured, 0)
	if err != nil {
		return nil, nil, s.used, err
	}
	out, absent, err := Mergers(periods, members)
	return out, absent, s.used, err
}

// LatestPublished is the latest published period starting before the day
// after tomorrow (UTC), and the granularity its label is written at
// (quarter for "2010-Q3"; ok2 false for a label of no known granularity):
// where a market question without a range ends when no usage is measured.
func LatestPublished(ctx context.Context, e queries.Engine, now time.Time) (start time.Time, g imscope.Granularity, ok bool, err error) {
	y, m, d := now.UTC().Date()
	label, start, ok, err := queries.LatestReportPeriod(ctx, e, time.Date(y, m, d+2, 0, 0, 0, 0, time.UTC))
	if err != nil || !ok {
		return start, "", ok, err
	}
	g, _ = labelGranularity(label)
	return start, g, true, nil
}
