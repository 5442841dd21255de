package api

import (
	"context"
	"time"

	"github.com/imscope/imscope/analytics"
)

const ParamPeriod = "period"

// PanelPeriod is one period of the panel.
type PanelPeriod struct {
	Period Day `json:"period"`
	// End is the start of the next panel period (for the last, one step of
	// the panel's granularity on).
	End         Day    `json:"end"`
	Granularity string `json:"granularity"`
}

// PanelPeriodsData answers /panel/periods.
type PanelPeriodsData struct {
	Periods []PanelPeriod `json:"periods"`
}

// Rows gives the cells of the CSV table named, in its declared columns.
func (d PanelPeriodsData) Rows(string) [][]any {
	out := make([][]any, len(d.Periods))
	for i, p := range d.Periods {
		out[i] = []any{p.Period, p.End, p.Granularity}
	}
	return out
}

var panelPeriodsEndpoint = &Endpoint{
	Path:        "/panel/periods",
	Summary:     "The panel's periods, for period pickers",
	Description: "Every period with panel data in [from, to) (all of them by default), oldest first. Switching, multi-homing and reachability take these as from_period, to_period and period.",
	Uses:        []string{ParamFrom, ParamTo},
	Tables: []Table{{Name: "periods", Doc: "one row per panel period", Columns: []Column{
		{"period", "date", "start of the panel period"},
		{"end", "date", "end of the period (exclusive)"},
		{"granularity", "string", "the period's length: day, week, month, quarter or year"},
	}}},
	Data: PanelPeriodsData{},
}

func (a *API) registerPanelPeriods() {
	type window struct{ from, to time.Time }
	register(a, panelPeriodsEndpoint,
		func(_ context.Context, q *request, sh shared) (window, error) {
			if !sh.from.IsZero() {
				q.set(ParamFrom, formatTime(sh.from))
			}
			if !sh.to.IsZero() {
				q.set(ParamTo, formatTime(sh.to))
			}
			return window{sh.from, sh.to}, nil
		},
		func(ctx context.Context, w window) (Result, error) {
			all, err := a.panelPeriods(ctx)
			if err != nil {
				return nil, err
			}
			d := PanelPeriodsData{Periods: []PanelPeriod{}}
			for _, p := range inWindow(all, w.from, w.to) {
				g := analytics.PanelStep(all, p)
				d.Periods = append(d.Periods, PanelPeriod{Period: Day(p), End: Day(g.Next(p)), Granularity: string(g)})
			}
			return d, nil
		})
}
