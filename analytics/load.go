package analytics

import (
	"context"
	"time"

	"github.com/imscope/imscope/queries"
)

// The loader files (load*.go, mergers.go's MergersIn) are where the maths
// meets the data: each loader runs the named queries a question needs and
// hands their rows to the pure functions. The dashboard (API, pages,
// reports) and the alert runner call the loaders; tests call both layers.
// Usage loaders take a Question and traffic loaders a Span, validated where
// the question entered, and trust it (question.go); panel loaders take
// periods from the panel's own list (PanelPeriods) and use only the
// filter's segment and selection.

// ShareReport is everything the market-share views show for a filter.
type ShareReport struct {
	Periods       []PeriodShares
	Concentration []Concentration
	Published     []ShareComparison
	// Source says where Periods and Concentration come from
	// (MarketShareFrom); MarketShare is always measured.
	Source SourceUsed
}

// MarketShare computes shares (with Δ against the previous period and a year
// earlier), concentration per period and the published figures beside them.
// Usage is read for the whole market — networks outside the selection fold
// into "other" — and from early enough that the first period has its
// comparisons.
func MarketShare(ctx context.Context, e queries.Engine, q Question, top int) (ShareReport, error) {
	f := q.f
	wide := f
	wide.Networks = nil
	wide.From = ComparisonFrom(f)
	rows, err := usageRows(ctx, e, Question{f: wide})
	if err != nil {
		return ShareReport{}, err
	}
	var r ShareReport
	if r.Periods, err = shares(f, rows, top); err != nil {
		return r, err
	}
	if r.Concentration, err = concentrationSeries(f, rows); err != nil {
		return r, err
	}
	reports, err := queries.MarketReports(ctx, e, f.From, f.To)
	if err != nil {
		return r, err
	}
	if r.Published, err = compareWithReports(f, r.Periods, reports); err != nil {
		return r, err
	}
	return r, nil
}

// ConcentrationIn is MarketShare's Concentration alone, reading only what
// it needs: the whole market's usage in q's range — no comparison periods,
// no published figures.
func ConcentrationIn(ctx context.Context, e queries.Engine, q Question) ([]Concentration, error) {
	whole := q.f
	whole.Networks = nil
	rows, err := usageRows(ctx, e, Question{f: whole})
	if err != nil {
		return nil, err
	}
	return concentrationSeries(q.f, rows)
}

// usageRows reads q's usage totals as share inputs.
func usageRows(ctx context.Context, e queries.Engine, q Question) ([]ShareInput, error) {
	totals, err := queries.UsageTotals(ctx, e, q.f)
	if err != nil {
		return nil, err
	}
	rows := make([]ShareInput, len(totals))
	for i, t := range totals {
		rows[i] = ShareInput{Period: t.Period, Network: t.Network, Value: t.Value}
	}
	return rows, nil
}

// LatestUsageDay is the latest day with usage of metric in segment (any
// network), where a usage question without a range ends by default; ok is
// false without usage. Days after tomorrow (UTC) are not looked at, so a
// clock-skewed sample cannot drag every default window into the future.
func LatestUsageDay(ctx context.Context, e queries.Engine, metric, segment string, now time.Time) (day time.Time, ok bool, err error) {
	y, m, d := now.UTC().Date()
	dayAfterTomorrow := time.Date(y, m, d+2, 0, 0, 0, 0, time.UTC)
	return queries.LatestUsageDay(ctx, e, metric, segment, time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), dayAfterTomorrow)
}
