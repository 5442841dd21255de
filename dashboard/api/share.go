package api

import (
	"context"

	"github.com/imscope/imscope/analytics"
)

const ParamTop = "top"

// Share is one network's share of one period.
type Share struct {
	Network string  `json:"network"`
	Value   float64 `json:"value"` // in the metric's unit
	Share   float64 `json:"share"` // percent of the period's total
	Rank    int     `json:"rank"`  // 1 = largest; 0 for "other"
	// DeltaPrev and DeltaYear are changes in percentage points against the
	// previous period and the same period a year earlier; null when that
	// period or the network's row in it is missing.
	DeltaPrev *float64 `json:"delta_prev"`
	DeltaYear *float64 `json:"delta_year"`
	Folded    []string `json:"folded"` // networks folded into "other"
	// Bound is how a published share was printed: eq (exact), lt (no more
	// than) or gt (more than); eq for measured shares.
	Bound string `json:"bound"`
}

// PeriodShares is every network's share of one period.
type PeriodShares struct {
	Period Day     `json:"period"`
	Total  float64 `json:"total"`
	Shares []Share `json:"shares"`
}

// Published sets a measured share beside a published one.
type Published struct {
	Period      Day      `json:"period"`
	Network     string   `json:"network"`
	Label       string   `json:"label"`
	Publisher   string   `json:"publisher"`
	Basis       string   `json:"basis"`
	Measured    *float64 `json:"measured"`
	Published   *float64 `json:"published"`
	Bound       string   `json:"bound"`
	Diff        *float64 `json:"diff"`
	WithinBound *bool    `json:"within_bound"`
}

// ShareData answers /share.
type ShareData struct {
	SourceUsed
	Periods   []PeriodShares `json:"periods"`
	Published []Published    `json:"published"`
}

// Rows gives the cells of the CSV table named, in its declared columns.
func (d ShareData) Rows(table string) [][]any {
	var out [][]any
	if table == "published" {
		for _, p := range d.Published {
			out = append(out, []any{p.Period, p.Network, p.Label, p.Publisher, p.Basis, p.Measured, p.Published, p.Bound, p.Diff, p.WithinBound})
		}
		return out
	}
	for _, p := range d.Periods {
		for _, s := range p.Shares {
			out = append(out, []any{p.Period, s.Network, s.Value, s.Share, s.Rank, s.DeltaPrev, s.DeltaYear, s.Folded, p.Total, s.Bound, d.Source, d.Publisher, d.Basis})
		}
	}
	return out
}

var shareEndpoint = &Endpoint{
	Path:    "/share",
	Summary: "Market share per period, with changes and published figures",
	Description: "share(n, p) = value(n, p) / Σ value(·, p) × 100 for the metric, with Δ in percentage points against the previous period and a year earlier. " +
		"Networks outside `networks` (or below `top`) are folded into \"other\", so shares keep the whole market as denominator. " +
		"`published` sets published figures (market_reports) of the range beside the measured shares. " +
		"With source=published the shares are the published figures of one publisher and basis, as printed (not renormalised; `bound` says which are \"no more than\" or \"more than\"); " +
		"`networks` then keeps only those rows and `top` is not applied.",
	Uses: []string{ParamFrom, ParamTo, ParamGranularity, ParamMetric, ParamSegment, ParamNetworks},
	Params: append([]paramDoc{
		{Name: ParamTop, Type: "integer", Default: "0", Doc: "keep the top N networks by summed share over the range, fold the rest into \"other\"; 0 keeps all (0–100)"},
	}, sourceParams...),
	Tables: []Table{
		{Name: "shares", Doc: "one row per period and network", Columns: []Column{
			{"period", "date", "start of the period"},
			{"network", "string", "network id, or other"},
			{"value", "number", "the period's value, in the metric's unit"},
			{"share", "number", "percent of the period's total"},
			{"rank", "integer", "1 for the largest; 0 for other"},
			{"delta_prev", "number", "change against the previous period, percentage points; empty when missing"},
			{"delta_year", "number", "change against a year earlier, percentage points; empty when missing"},
			{"folded", "string", "networks folded into other, ;-separated"},
			{"total", "number", "the period's total over every network (published: the exact figures and floors summed)"},
			{"bound", "string", "eq, lt (no more than) or gt (more than); eq for measured shares"},
			{"source", "string", "measured or published"},
			{"publisher", "string", "the published series' publisher; empty when measured"},
			{"basis", "string", "the published series' basis; empty when measured"},
		}},
		{Name: "published", Doc: "one row per published figure, then measured networks no report names", Columns: []Column{
			{"period", "date", "start of the period"},
			{"network", "string", "network id"},
			{"label", "string", "the report's own period label, e.g. 2010-Q3"},
			{"publisher", "string", "who published it"},
			{"basis", "string", "what the share is of: users, messages…"},
			{"measured", "number", "imscope's share, percent; empty when not measured"},
			{"published", "number", "the published share, percent; empty when not published"},
			{"bound", "string", "eq, lt (no more than) or gt (more than)"},
			{"diff", "number", "measured − published, percentage points (exact figures only)"},
			{"within_bound", "boolean", "for bounds: whether the measured share respects it"},
		}},
	},
	Data: ShareData{},
}

type shareParams struct {
	f      analytics.Question
	top    int
	source analytics.SourceChoice
}

func (a *API) registerShare() {
	register(a, shareEndpoint,
		func(ctx context.Context, q *request, sh shared) (shareParams, error) {
			top, err := q.parseInt(ParamTop, 0, 100, 0)
			if err != nil {
				return shareParams{}, err
			}
			source, err := q.parseSource()
			if err != nil {
				return shareParams{}, err
			}
			f, err := a.usageFilter(ctx, q, sh, true)
			return shareParams{f: f, top: top, source: source}, err
		},
		func(ctx context.Context, p shareParams) (Result, error) {
			rep, err := analytics.MarketShareFrom(ctx, a.engine, p.f, p.top, p.source)
			if err != nil {
				return nil, err
			}
			d := ShareData{SourceUsed: sourceUsed(rep.Source), Periods: make([]PeriodShares, len(rep.Periods)), Published: make([]Published, len(rep.Published))}
			for i, ps := range rep.Periods {
				out := PeriodShares{Period: Day(ps.Period), Total: ps.Total, Shares: make([]Share, len(ps.Shares))}
				for j, s := range ps.Shares {
					folded := s.Folded
					if folded == nil {
						folded = []string{}
					}
					bound := string(s.Bound)
					if bound == "" {
						bound = "eq"
					}
					out.Shares[j] = Share{Network: s.Network, Value: s.Value, Share: s.Share, Rank: s.Rank, DeltaPrev: s.DeltaPrev, DeltaYear: s.DeltaYear, Folded: folded, Bound: bound}
				}
				d.Periods[i] = out
			}
			for i, c := range rep.Published {
				d.Published[i] = Published{Period: Day(c.Period), Network: c.Network, Label: c.Label, Publisher: c.Publisher, Basis: c.Basis,
					Measured: c.Measured, Published: c.Published, Bound: string(c.Bound), Diff: c.Diff, WithinBound: c.WithinBound}
			}
			return d, nil
		})
}
