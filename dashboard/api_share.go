package dashboard

import (
	"context"

	"github.com/imscope/imscope/analytics"
)

const pTop = "top"

// shareJSON is one network's share of one period.
type shareJSON struct {
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
}

type periodSharesJSON struct {
	Period day         `json:"period"`
	Total  float64     `json:"total"`
	Shares []shareJSON `json:"shares"`
}

// publishedJSON sets a measured share beside a published one.
type publishedJSON struct {
	Period      day      `json:"period"`
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

type shareData struct {
	Periods   []periodSharesJSON `json:"periods"`
	Published []publishedJSON    `json:"published"`
}

func (d shareData) rows(table string) [][]any {
	var out [][]any
	if table == "published" {
		for _, p := range d.Published {
			out = append(out, []any{p.Period, p.Network, p.Label, p.Publisher, p.Basis, p.Measured, p.Published, p.Bound, p.Diff, p.WithinBound})
		}
		return out
	}
	for _, p := range d.Periods {
		for _, s := range p.Shares {
			out = append(out, []any{p.Period, s.Network, s.Value, s.Share, s.Rank, s.DeltaPrev, s.DeltaYear, s.Folded, p.Total})
		}
	}
	return out
}

var shareEndpoint = &endpoint{
	Path:    "/share",
	Summary: "Market share per period, with changes and published figures",
	Description: "share(n, p) = value(n, p) / Σ value(·, p) × 100 for the metric, with Δ in percentage points against the previous period and a year earlier. " +
		"Networks outside `networks` (or below `top`) are folded into \"other\", so shares keep the whole market as denominator. " +
		"`published` sets published figures (market_reports) of the range beside the measured shares.",
	Uses: []string{pFrom, pTo, pGranularity, pMetric, pSegment, pNetworks},
	Params: []paramDoc{
		{Name: pTop, Type: "integer", Default: "0", Doc: "keep the top N networks by summed share over the range, fold the rest into \"other\"; 0 keeps all (0–100)"},
	},
	Tables: []tableSpec{
		{Name: "shares", Doc: "one row per period and network", Columns: []column{
			{"period", "date", "start of the period"},
			{"network", "string", "network id, or other"},
			{"value", "number", "the period's value, in the metric's unit"},
			{"share", "number", "percent of the period's total"},
			{"rank", "integer", "1 for the largest; 0 for other"},
			{"delta_prev", "number", "change against the previous period, percentage points; empty when missing"},
			{"delta_year", "number", "change against a year earlier, percentage points; empty when missing"},
			{"folded", "string", "networks folded into other, ;-separated"},
			{"total", "number", "the period's total over every network"},
		}},
		{Name: "published", Doc: "one row per published figure, then measured networks no report names", Columns: []column{
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
	Data: shareData{},
}

type shareParams struct {
	f   analytics.Question
	top int
}

func (a *api) registerShare() {
	register(a, shareEndpoint,
		func(ctx context.Context, q *request, sh shared) (shareParams, error) {
			top, err := q.parseInt(pTop, 0, 100, 0)
			if err != nil {
				return shareParams{}, err
			}
			f, err := a.usageFilter(ctx, q, sh, true)
			return shareParams{f: f, top: top}, err
		},
		func(ctx context.Context, p shareParams) (result, error) {
			rep, err := analytics.MarketShare(ctx, a.engine, p.f, p.top)
			if err != nil {
				return nil, err
			}
			d := shareData{Periods: make([]periodSharesJSON, len(rep.Periods)), Published: make([]publishedJSON, len(rep.Published))}
			for i, ps := range rep.Periods {
				out := periodSharesJSON{Period: day(ps.Period), Total: ps.Total, Shares: make([]shareJSON, len(ps.Shares))}
				for j, s := range ps.Shares {
					folded := s.Folded
					if folded == nil {
						folded = []string{}
					}
					out.Shares[j] = shareJSON{Network: s.Network, Value: s.Value, Share: s.Share, Rank: s.Rank, DeltaPrev: s.DeltaPrev, DeltaYear: s.DeltaYear, Folded: folded}
				}
				d.Periods[i] = out
			}
			for i, c := range rep.Published {
				d.Published[i] = publishedJSON{Period: day(c.Period), Network: c.Network, Label: c.Label, Publisher: c.Publisher, Basis: c.Basis,
					Measured: c.Measured, Published: c.Published, Bound: string(c.Bound), Diff: c.Diff, WithinBound: c.WithinBound}
			}
			return d, nil
		})
}
