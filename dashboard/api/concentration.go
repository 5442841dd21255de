package api

import (
	"context"

	"github.com/imscope/imscope/analytics"
)

// NetworkShare is one network's share, in percent.
type NetworkShare struct {
	Network string  `json:"network"`
	Share   float64 `json:"share"`
}

// Coalition answers "what if ranks 2..k united against the leader".
type Coalition struct {
	K        int      `json:"k"`
	Members  []string `json:"members"`
	Share    float64  `json:"share"`
	Gap      float64  `json:"gap"` // leader's share − coalition's, points
	HHI      float64  `json:"hhi"` // if the members merged
	DeltaHHI float64  `json:"delta_hhi"`
	// The intervals published bounds allow (min = max for measured shares).
	ShareMin    float64 `json:"share_min"`
	ShareMax    float64 `json:"share_max"`
	GapMin      float64 `json:"gap_min"`
	GapMax      float64 `json:"gap_max"`
	DeltaHHIMin float64 `json:"delta_hhi_min"`
	DeltaHHIMax float64 `json:"delta_hhi_max"`
}

// Concentration is one period's concentration.
type Concentration struct {
	Period   Day     `json:"period"`
	Networks int     `json:"networks"`
	HHI      float64 `json:"hhi"`
	Band2010 string  `json:"band_2010"`
	Band2023 string  `json:"band_2023"`
	CR1      float64 `json:"cr1"`
	CR2      float64 `json:"cr2"`
	CR4      float64 `json:"cr4"`
	// HHI and CR-k as intervals: with published figures that are bounds
	// ("< 1%"), the range over every share vector the bounds and a total
	// ≤ 100 allow; the point figures above have the bounds at their lower
	// ends. Min = max for measured shares.
	HHIMin     float64      `json:"hhi_min"`
	HHIMax     float64      `json:"hhi_max"`
	CR1Min     float64      `json:"cr1_min"`
	CR1Max     float64      `json:"cr1_max"`
	CR2Min     float64      `json:"cr2_min"`
	CR2Max     float64      `json:"cr2_max"`
	CR4Min     float64      `json:"cr4_min"`
	CR4Max     float64      `json:"cr4_max"`
	Leader     NetworkShare `json:"leader"`
	Coalitions []Coalition  `json:"coalitions"`
}

// ConcentrationData answers /concentration.
type ConcentrationData struct {
	SourceUsed
	Periods []Concentration `json:"periods"`
}

// Rows gives the cells of the CSV table named, in its declared columns.
func (d ConcentrationData) Rows(table string) [][]any {
	var out [][]any
	for _, p := range d.Periods {
		if table == "coalitions" {
			for _, c := range p.Coalitions {
				out = append(out, []any{p.Period, c.K, c.Members, c.Share, c.Gap, c.HHI, c.DeltaHHI, c.ShareMin, c.ShareMax, c.GapMin, c.GapMax, c.DeltaHHIMin, c.DeltaHHIMax, d.Source, d.Publisher, d.Basis})
			}
			continue
		}
		out = append(out, []any{p.Period, p.Networks, p.HHI, p.Band2010, p.Band2023, p.CR1, p.CR2, p.CR4, p.Leader.Network, p.Leader.Share,
			p.HHIMin, p.HHIMax, p.CR1Min, p.CR1Max, p.CR2Min, p.CR2Max, p.CR4Min, p.CR4Max, d.Source, d.Publisher, d.Basis})
	}
	return out
}

var concentrationEndpoint = &Endpoint{
	Path:    "/concentration",
	Summary: "HHI, CR-k and coalition gaps per period",
	Description: "HHI = Σ s² with shares in percent (0–10,000), banded by the 2010 Horizontal Merger Guidelines and the 2023 Merger Guidelines; " +
		"CR1/CR2/CR4; and for every k the coalition of ranks 2..k: its share, its gap to the leader and the HHI if it merged. " +
		"Always of the whole market: `networks` is ignored, since folding networks together would overstate the HHI. " +
		"From published figures (source=published) each figure is the exact-rows figure (\"< x\" rows at 0, \"> x\" rows at x) with its interval `*_min`…`*_max` " +
		"over every share vector the bounds and a total ≤ 100 allow (docs/metrics.md); coalitions are ranks 2..k of the exact-rows figures.",
	Uses:   []string{ParamFrom, ParamTo, ParamGranularity, ParamMetric, ParamSegment},
	Params: sourceParams,
	Tables: []Table{
		{Name: "periods", Doc: "one row per period", Columns: []Column{
			{"period", "date", "start of the period"},
			{"networks", "integer", "networks with a share"},
			{"hhi", "number", "Herfindahl–Hirschman index, 0–10,000"},
			{"band_2010", "string", "2010 guidelines band"},
			{"band_2023", "string", "2023 guidelines band"},
			{"cr1", "number", "share of the largest network, percent"},
			{"cr2", "number", "summed share of the 2 largest, percent"},
			{"cr4", "number", "summed share of the 4 largest, percent"},
			{"leader", "string", "the largest network"},
			{"leader_share", "number", "its share, percent"},
			{"hhi_min", "number", "the least HHI the published bounds allow (= hhi when measured)"},
			{"hhi_max", "number", "the largest HHI the published bounds allow"},
			{"cr1_min", "number", "CR1's interval, low end"},
			{"cr1_max", "number", "CR1's interval, high end"},
			{"cr2_min", "number", "CR2's interval, low end"},
			{"cr2_max", "number", "CR2's interval, high end"},
			{"cr4_min", "number", "CR4's interval, low end"},
			{"cr4_max", "number", "CR4's interval, high end"},
			{"source", "string", "measured or published"},
			{"publisher", "string", "the published series' publisher; empty when measured"},
			{"basis", "string", "the published series' basis; empty when measured"},
		}},
		{Name: "coalitions", Doc: "one row per period and coalition size k", Columns: []Column{
			{"period", "date", "start of the period"},
			{"k", "integer", "the coalition is ranks 2..k"},
			{"members", "string", "its networks by rank, ;-separated"},
			{"share", "number", "their summed share, percent"},
			{"gap", "number", "leader's share − coalition's, percentage points"},
			{"hhi", "number", "the market's HHI if they merged"},
			{"delta_hhi", "number", "the HHI increase of that merger"},
			{"share_min", "number", "the coalition's share, interval low end"},
			{"share_max", "number", "the coalition's share, interval high end"},
			{"gap_min", "number", "the gap, interval low end"},
			{"gap_max", "number", "the gap, interval high end"},
			{"delta_hhi_min", "number", "ΔHHI, interval low end"},
			{"delta_hhi_max", "number", "ΔHHI, interval high end"},
			{"source", "string", "measured or published"},
			{"publisher", "string", "the published series' publisher; empty when measured"},
			{"basis", "string", "the published series' basis; empty when measured"},
		}},
	},
	Data: ConcentrationData{},
}

type concentrationParams struct {
	f      analytics.Question
	source analytics.SourceChoice
}

func (a *API) registerConcentration() {
	register(a, concentrationEndpoint,
		func(ctx context.Context, q *request, sh shared) (concentrationParams, error) {
			source, err := q.parseSource()
			if err != nil {
				return concentrationParams{}, err
			}
			f, err := a.usageFilter(ctx, q, sh, false)
			return concentrationParams{f: f, source: source}, err
		},
		func(ctx context.Context, p concentrationParams) (Result, error) {
			conc, used, err := analytics.ConcentrationFrom(ctx, a.engine, p.f, p.source)
			if err != nil {
				return nil, err
			}
			d := ConcentrationData{SourceUsed: sourceUsed(used), Periods: make([]Concentration, len(conc))}
			for i, c := range conc {
				out := Concentration{Period: Day(c.Period), Networks: c.Networks, HHI: c.HHI, Band2010: string(c.Band2010), Band2023: string(c.Band2023),
					CR1: c.CR1, CR2: c.CR2, CR4: c.CR4, Leader: NetworkShare{Network: c.Leader.Network, Share: c.Leader.Share},
					HHIMin: c.HHIRange.Min, HHIMax: c.HHIRange.Max, CR1Min: c.CR1Range.Min, CR1Max: c.CR1Range.Max,
					CR2Min: c.CR2Range.Min, CR2Max: c.CR2Range.Max, CR4Min: c.CR4Range.Min, CR4Max: c.CR4Range.Max,
					Coalitions: make([]Coalition, len(c.Coalitions))}
				for j, co := range c.Coalitions {
					out.Coalitions[j] = Coalition{K: co.K, Members: co.Members, Share: co.Share, Gap: co.Gap, HHI: co.HHI, DeltaHHI: co.DeltaHHI,
						ShareMin: co.ShareRange.Min, ShareMax: co.ShareRange.Max, GapMin: co.GapRange.Min, GapMax: co.GapRange.Max,
						DeltaHHIMin: co.DeltaHHIRange.Min, DeltaHHIMax: co.DeltaHHIRange.Max}
				}
				d.Periods[i] = out
			}
			return d, nil
		})
}
