package dashboard

import (
	"context"
	"time"

	"github.com/imscope/imscope/analytics"
)

const pPeriod = "period"

type panelPeriodJSON struct {
	Period day `json:"period"`
	// End is the start of the next panel period (for the last, one step of
	// the panel's granularity on).
	End         day    `json:"end"`
	Granularity string `json:"granularity"`
}

type panelPeriodsData struct {
	Periods []panelPeriodJSON `json:"periods"`
}

func (d panelPeriodsData) rows(string) [][]any {
	out := make([][]any, len(d.Periods))
	for i, p := range d.Periods {
		out[i] = []any{p.Period, p.End, p.Granularity}
	}
	return out
}

var panelPeriodsEndpoint = &endpoint{
	Path:        "/panel/periods",
	Summary:     "The panel's periods, for period pickers",
	Description: "Every period with panel data in [from, to) (all of them by default), oldest first. Switching, multi-homing and reachability take these as from_period, to_period and period.",
	Uses:        []string{pFrom, pTo},
	Tables: []tableSpec{{Name: "periods", Doc: "one row per panel period", Columns: []column{
		{"period", "date", "start of the panel period"},
		{"end", "date", "end of the period (exclusive)"},
		{"granularity", "string", "the period's length: day, week, month, quarter or year"},
	}}},
	Data: panelPeriodsData{},
}

func (a *api) registerPanelPeriods() {
	type window struct{ from, to time.Time }
	register(a, panelPeriodsEndpoint,
		func(_ context.Context, q *request, sh shared) (window, error) {
			if !sh.from.IsZero() {
				q.set(pFrom, formatTime(sh.from))
			}
			if !sh.to.IsZero() {
				q.set(pTo, formatTime(sh.to))
			}
			return window{sh.from, sh.to}, nil
		},
		func(ctx context.Context, w window) (result, error) {
			all, err := a.panelPeriods(ctx)
			if err != nil {
				return nil, err
			}
			d := panelPeriodsData{Periods: []panelPeriodJSON{}}
			for _, p := range inWindow(all, w.from, w.to) {
				g := analytics.PanelStep(all, p)
				d.Periods = append(d.Periods, panelPeriodJSON{Period: day(p), End: day(g.Next(p)), Granularity: string(g)})
			}
			return d, nil
		})
}
