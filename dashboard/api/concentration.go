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
}

// Concentration is one period's concentration.
type Concentration struct {
	Period     Day          `json:"period"`
	Networks   int          `json:"networks"`
	HHI        float64      `json:"hhi"`
	Band2010   string       `json:"band_2010"`
	Band2023   string       `json:"band_2023"`
	CR1        float64      `json:"cr1"`
	CR2        float64      `json:"cr2"`
	CR4        float64      `json:"cr4"`
	Leader     NetworkShare `json:"leader"`
	Coalitions []Coalition  `json:"coalitions"`
}

// ConcentrationData answers /concentration.
type ConcentrationData struct {
	Periods []Concentration `json:"periods"`
}

// Rows gives the cells of the CSV table named, in its declared columns.
func (d ConcentrationData) Rows(table string) [][]any {
	var out [][]any
	for _, p := range d.Periods {
		if table == "coalitions" {
			for _, c := range p.Coalitions {
				out = append(out, []any{p.Period, c.K, c.Members, c.Share, c.Gap, c.HHI, c.DeltaHHI})
			}
			continue
		}
		out = append(out, []any{p.Period, p.Networks, p.HHI, p.Band2010, p.Band2023, p.CR1, p.CR2, p.CR4, p.Leader.Network, p.Leader.Share})
	}
	return out
}

var concentrationEndpoint = &Endpoint{
	Path:    "/concentration",
	Summary: "HHI, CR-k and coalition gaps per period",
	Description: "HHI = Σ s² with shares in percent (0–10,000), banded by the 2010 Horizontal Merger Guidelines and the 2023 Merger Guidelines; " +
		"CR1/CR2/CR4; and for every k the coalition of ranks 2..k: its share, its gap to the leader and the HHI if it merged. " +
		"Always of the whole market: `networks` is ignored, since folding networks together would overstate the HHI.",
	Uses: []string{ParamFrom, ParamTo, ParamGranularity, ParamMetric, ParamSegment},
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
		}},
		{Name: "coalitions", Doc: "one row per period and coalition size k", Columns: []Column{
			{"period", "date", "start of the period"},
			{"k", "integer", "the coalition is ranks 2..k"},
			{"members", "string", "its networks by rank, ;-separated"},
			{"share", "number", "their summed share, percent"},
			{"gap", "number", "leader's share − coalition's, percentage points"},
			{"hhi", "number", "the market's HHI if they merged"},
			{"delta_hhi", "number", "the HHI increase of that merger"},
		}},
	},
	Data: ConcentrationData{},
}

func (a *API) registerConcentration() {
	register(a, concentrationEndpoint,
		func(ctx context.Context, q *request, sh shared) (analytics.Question, error) {
			return a.usageFilter(ctx, q, sh, false)
		},
		func(ctx context.Context, f analytics.Question) (Result, error) {
			conc, err := analytics.ConcentrationIn(ctx, a.engine, f)
			if err != nil {
				return nil, err
			}
			d := ConcentrationData{Periods: make([]Concentration, len(conc))}
			for i, c := range conc {
				out := Concentration{Period: Day(c.Period), Networks: c.Networks, HHI: c.HHI, Band2010: string(c.Band2010), Band2023: string(c.Band2023),
					CR1: c.CR1, CR2: c.CR2, CR4: c.CR4, Leader: NetworkShare{Network: c.Leader.Network, Share: c.Leader.Share},
					Coalitions: make([]Coalition, len(c.Coalitions))}
				for j, co := range c.Coalitions {
					out.Coalitions[j] = Coalition{K: co.K, Members: co.Members, Share: co.Share, Gap: co.Gap, HHI: co.HHI, DeltaHHI: co.DeltaHHI}
				}
				d.Periods[i] = out
			}
			return d, nil
		})
}
