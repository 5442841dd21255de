package analytics

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/queries"
)

// SwitchingBetween is the switching analysis between two panel periods.
func SwitchingBetween(ctx context.Context, e queries.Engine, f imscope.Filter, from, to time.Time) (Switching, error) {
	counts, err := queries.PanelTransitions(ctx, e, from, to, f.Segment)
	if err != nil {
		return Switching{}, err
	}
	if len(counts) == 0 {
		return Switching{}, invalid("from", "no panel data for %s and %s", from.Format(time.DateOnly), to.Format(time.DateOnly))
	}
	rows := make([]TransitionCount, len(counts))
	for i, c := range counts {
		rows[i] = TransitionCount{Period: from, From: c.From, To: c.To, Users: c.Users}
	}
	// The pair is one step of its own granularity, whatever f's says.
	g := imscope.Filter{From: from, To: to.AddDate(0, 0, 1), Granularity: stepOf(from, to), Metric: f.Metric, Segment: f.Segment, Networks: f.Networks}
	out, err := SwitchingFromCounts(g, rows)
	if err != nil {
		return Switching{}, err
	}
	if len(out) != 1 {
		return Switching{}, fmt.Errorf("switching between %s and %s: %d results, want 1", from.Format(time.DateOnly), to.Format(time.DateOnly), len(out))
	}
	return out[0], nil
}

// SwitchingAlong is the switching analysis for every pair of consecutive
// panel periods in f's range, oldest first.
func SwitchingAlong(ctx context.Context, e queries.Engine, f imscope.Filter) ([]Switching, error) {
	periods, err := PanelPeriods(ctx, e, f)
	if err != nil {
		return nil, err
	}
	var out []Switching
	for i := 0; i+1 < len(periods); i++ {
		s, err := SwitchingBetween(ctx, e, f, periods[i], periods[i+1])
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// stepOf names the granularity whose next period after from is to; month
// when none is exact (a custom pair is still one step).
func stepOf(from, to time.Time) imscope.Granularity {
	for _, g := range []imscope.Granularity{imscope.Day, imscope.Week, imscope.Month, imscope.Quarter, imscope.Year} {
		if g.Start(from).Equal(from) && g.Next(from).Equal(to) {
			return g
		}
	}
	return imscope.Month
}

// PanelPeriods lists the panel's periods (UTC) in f's range [From, To),
// oldest first, for period pickers; only the range of f is used.
func PanelPeriods(ctx context.Context, e queries.Engine, f imscope.Filter) ([]time.Time, error) {
	ps, err := queries.PanelPeriods(ctx, e, f.From, f.To)
	if err != nil {
		return nil, err
	}
	for i := range ps {
		ps[i] = ps[i].UTC()
	}
	return ps, nil
}

// PanelStep is the granularity of the panel period starting at p, given
// every panel period (oldest first): the one whose next period is the
// following panel period (or, for the last, the one that follows the
// previous); month when nothing fits exactly or p is not a panel period.
func PanelStep(periods []time.Time, p time.Time) imscope.Granularity {
	i := slices.IndexFunc(periods, p.Equal)
	switch {
	case i >= 0 && i+1 < len(periods):
		return stepOf(p, periods[i+1])
	case i > 0:
		return stepOf(periods[i-1], p)
	}
	return imscope.Month
}

func loadSignatures(ctx context.Context, e queries.Engine, period time.Time, segment string) ([]SignatureCount, error) {
	rows, err := queries.PanelSignatures(ctx, e, period, segment)
	if err != nil {
		return nil, err
	}
	out := make([]SignatureCount, len(rows))
	for i, r := range rows {
		out[i] = SignatureCount{Networks: r.Networks, Users: r.Users}
	}
	return out, nil
}

// MultiHomingIn is the multi-homing analysis of one panel period.
func MultiHomingIn(ctx context.Context, e queries.Engine, f imscope.Filter, period time.Time) (MultiHoming, error) {
	sigs, err := loadSignatures(ctx, e, period, f.Segment)
	if err != nil {
		return MultiHoming{}, err
	}
	return MultiHomingFromSignatures(f, sigs)
}

// ReachReport is reachability in one panel period: with the bridges that
// carried traffic then, and with a hypothetical bridge set.
type ReachReport struct {
	Period       time.Time
	Active       []Link   // bridges with traffic in the period
	Dividend     Dividend // no bridges vs the active ones
	Hypothetical *Dividend
}

// ReachIn computes reachability for the panel period starting at period and
// lasting one step of f's granularity. hypothetical, if not nil, is a bridge
// set to compare too ("what if QQ bridged to everyone").
func ReachIn(ctx context.Context, e queries.Engine, f imscope.Filter, period time.Time, hypothetical []Link) (ReachReport, error) {
	sigs, err := loadSignatures(ctx, e, period, f.Segment)
	if err != nil {
		return ReachReport{}, err
	}
	end := f.Granularity.Next(period)
	traffic, err := queries.BridgeRoutes(ctx, e, period, end, end.Sub(period))
	if err != nil {
		return ReachReport{}, err
	}
	r := ReachReport{Period: period, Active: activeLinks(traffic)}
	if r.Dividend, err = InterconnectionDividend(sigs, r.Active); err != nil {
		return r, err
	}
	if hypothetical != nil {
		d, err := InterconnectionDividend(sigs, hypothetical)
		if err != nil {
			return r, err
		}
		r.Hypothetical = &d
	}
	return r, nil
}

// activeLinks are the network pairs joined by a route that carried messages.
func activeLinks(traffic []imscope.BridgeSample) []Link {
	seen := map[Link]bool{}
	var out []Link
	for _, t := range traffic {
		if t.Messages == 0 || t.FromNetwork == t.ToNetwork {
			continue
		}
		l := Link{A: min(t.FromNetwork, t.ToNetwork), B: max(t.FromNetwork, t.ToNetwork)}
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}
