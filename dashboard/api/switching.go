package api

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/analytics"
)

const (
	ParamFromPeriod = "from_period"
	ParamToPeriod   = "to_period"
	ParamMinCount   = "min_count"
	ParamK          = "k"
)

// OutsideNode labels the outside of the panel in switching answers: as a
// cell's "from" it is the entrants, as its "to" the leavers.
const OutsideNode = "(outside)"

// maxPairs bounds the period pairs of one switching answer.
const maxPairs = 40

// SwitchNetwork is one network of a switching pair.
type SwitchNetwork struct {
	Network     string `json:"network"`
	UsersBefore uint64 `json:"users_before"` // primary on it at from_period
	UsersAfter  uint64 `json:"users_after"`  // primary on it at to_period
	// Retention is P_ii, a fraction; null when the network had no users or
	// its diagonal cell is suppressed.
	Retention *float64 `json:"retention"`
	// SteadyState is the long-run share π_i of the chain, in percent; null
	// without a unique steady state.
	SteadyState *float64 `json:"steady_state"`
}

// SwitchCell is one cell N_ij of the matrix with what derives from it.
// Suppressed cells show no count, P, net flow or diversion: each would give
// the count back.
type SwitchCell struct {
	From       string   `json:"from"`
	To         string   `json:"to"`
	Count      *uint64  `json:"count"`
	Suppressed bool     `json:"suppressed"`
	P          *float64 `json:"p"`         // N_ij / Σ_k N_ik
	NetFlow    *int64   `json:"net_flow"`  // N_ij − N_ji
	Diversion  *float64 `json:"diversion"` // N_ij / Σ_{k≠i} N_ik
}

// SteadyState is the long run of the switching chain.
type SteadyState struct {
	Unique    bool       `json:"unique"`
	Classes   [][]string `json:"classes"`
	Transient []string   `json:"transient"`
	NoData    []string   `json:"no_data"` // networks whose row was empty (kept as absorbing)
	Residual  float64    `json:"residual"`
}

// ForecastStep is the forecast shares k periods on.
type ForecastStep struct {
	Step   int            `json:"step"`
	Shares []NetworkShare `json:"shares"` // percent
}

// SwitchPair is the switching between two panel periods.
type SwitchPair struct {
	FromPeriod Day    `json:"from_period"`
	ToPeriod   Day    `json:"to_period"`
	Users      uint64 `json:"users"`
	Entrants   uint64 `json:"entrants"`
	Leavers    uint64 `json:"leavers"`
	Suppressed int    `json:"suppressed"`
	// Resolution is the step, in percentage points, that steady_state and
	// forecast are rounded to when cells are suppressed (0: exact), so
	// that the hidden counts cannot be solved for from them.
	Resolution  float64         `json:"resolution"`
	Networks    []SwitchNetwork `json:"networks"`
	Cells       []SwitchCell    `json:"cells"`
	SteadyState SteadyState     `json:"steady_state"`
	Forecast    []ForecastStep  `json:"forecast"`

	// disclosure is the pair as analytics disclosed it, for the pages'
	// figures that derive from it (net flows and gains).
	disclosure analytics.Disclosure
}

// Disclosure is the pair as analytics disclosed it: the pages derive net
// flows and gains from it, so the privacy rule is applied once.
func (p SwitchPair) Disclosure() analytics.Disclosure { return p.disclosure }

// SwitchingData answers /switching.
type SwitchingData struct {
	MinCount    int          `json:"min_count"`
	K           int          `json:"k"`
	Outside     string       `json:"outside"`
	Transitions []SwitchPair `json:"transitions"`
}

// Rows gives the cells of the CSV table named, in its declared columns.
func (d SwitchingData) Rows(table string) [][]any {
	var out [][]any
	for _, t := range d.Transitions {
		switch table {
		case "networks":
			for _, n := range t.Networks {
				out = append(out, []any{t.FromPeriod, t.ToPeriod, n.Network, n.UsersBefore, n.UsersAfter, n.Retention, n.SteadyState})
			}
		case "forecast":
			for _, st := range t.Forecast {
				for _, s := range st.Shares {
					out = append(out, []any{t.FromPeriod, t.ToPeriod, st.Step, s.Network, s.Share})
				}
			}
		case "summary":
			out = append(out, []any{t.FromPeriod, t.ToPeriod, t.Users, t.Entrants, t.Leavers, t.Suppressed, d.MinCount, t.Resolution, t.SteadyState.Unique, t.SteadyState.Residual})
		default:
			for _, c := range t.Cells {
				out = append(out, []any{t.FromPeriod, t.ToPeriod, c.From, c.To, c.Count, c.Suppressed, c.P, c.NetFlow, c.Diversion})
			}
		}
	}
	return out
}

var pairColumns = []Column{
	{"from_period", "date", "start of the earlier panel period"},
	{"to_period", "date", "start of the later panel period"},
}

var switchingEndpoint = &Endpoint{
	Path:    "/switching",
	Summary: "Who went where between panel periods: matrix, P, retention, net flow, diversion, steady state, forecast",
	Description: "N_ij = panel users primary on i at from_period and on j at to_period, with " + strconv.Quote(OutsideNode) + " for entrants (as from) and leavers (as to); " +
		"P_ij = N_ij / Σ_k N_ik; retention = P_ii; net flow = N_ij − N_ji; diversion D_ij = N_ij / Σ_{k≠i} N_ik; steady state π = πQ and forecast s·Q^k " +
		"over the network-to-network chain. Cells with 0 < N_ij < min_count are suppressed, with secondary suppression so that exact totals do not give them away. " +
		"Pairs: from_period/to_period (either alone picks its neighbour); else, when from or to is given, every consecutive pair of panel periods in [from, to); else the latest pair. " +
		"Without panel data in the range, transitions is empty.",
	Uses: []string{ParamFrom, ParamTo, ParamSegment, ParamNetworks},
	Params: []paramDoc{
		{Name: ParamFromPeriod, Type: "string", Doc: "the earlier panel period (a date, month or quarter naming its start)"},
		{Name: ParamToPeriod, Type: "string", Doc: "the later panel period"},
		{Name: ParamMinCount, Type: "integer", Default: "10", Doc: "suppress cells with fewer users than this (0–1000000; 0 or 1 hides nothing)"},
		{Name: ParamK, Type: "integer", Default: "4", Doc: "forecast this many periods ahead (0–60)"},
	},
	Tables: []Table{
		{Name: "cells", Doc: "one row per pair and matrix cell", Columns: append(slices.Clone(pairColumns),
			Column{"from_network", "string", "primary network at from_period; (outside) for entrants"},
			Column{"to_network", "string", "primary network at to_period; (outside) for leavers"},
			Column{"count", "integer", "users; empty when suppressed"},
			Column{"suppressed", "boolean", "hidden for privacy"},
			Column{"p", "number", "transition probability, fraction"},
			Column{"net_flow", "integer", "N_ij − N_ji"},
			Column{"diversion", "number", "share of from_network's leavers that went to to_network, fraction"},
		)},
		{Name: "networks", Doc: "one row per pair and network", Columns: append(slices.Clone(pairColumns),
			Column{"network", "string", "network id, or other"},
			Column{"users_before", "integer", "primary on it at from_period"},
			Column{"users_after", "integer", "primary on it at to_period"},
			Column{"retention", "number", "P_ii, fraction; empty when suppressed or no users"},
			Column{"steady_state", "number", "long-run share, percent; empty without a unique steady state"},
		)},
		{Name: "forecast", Doc: "one row per pair, step and network", Columns: append(slices.Clone(pairColumns),
			Column{"step", "integer", "periods after to_period; 0 is to_period itself"},
			Column{"network", "string", "network id"},
			Column{"share", "number", "forecast share, percent"},
		)},
		{Name: "summary", Doc: "one row per pair", Columns: append(slices.Clone(pairColumns),
			Column{"users", "integer", "users seen in either period"},
			Column{"entrants", "integer", "users absent at from_period"},
			Column{"leavers", "integer", "users absent at to_period"},
			Column{"suppressed", "integer", "hidden cells"},
			Column{"min_count", "integer", "the suppression threshold"},
			Column{"resolution", "number", "rounding step of steady_state and forecast, percentage points; 0 exact"},
			Column{"steady_state_unique", "boolean", "whether the chain has one steady state"},
			Column{"steady_state_residual", "number", "max |πQ − π|"},
		)},
	},
	Data: SwitchingData{},
}

type switchingParams struct {
	f     imscope.Filter
	pairs [][2]time.Time
	// along: pairs are every consecutive pair of panel periods in f's range.
	along    bool
	minCount int
	k        int
}

func (a *API) registerSwitching() {
	register(a, switchingEndpoint, a.bindSwitching, func(ctx context.Context, p switchingParams) (Result, error) {
		d := SwitchingData{MinCount: p.minCount, K: p.k, Outside: OutsideNode, Transitions: make([]SwitchPair, 0, len(p.pairs))}
		switchings, err := a.switchings(ctx, p)
		if err != nil {
			if p.f.Segment != "" {
				return nil, renameParam(err, ParamFrom, ParamSegment)
			}
			return nil, renameParam(err, ParamFrom, ParamFromPeriod)
		}
		for _, s := range switchings {
			d.Transitions = append(d.Transitions, switchPair(&s, uint64(p.minCount), p.k))
		}
		return d, nil
	})
}

// switchings asks analytics for the bound pairs.
func (a *API) switchings(ctx context.Context, p switchingParams) ([]analytics.Switching, error) {
	if p.along {
		return analytics.SwitchingAlong(ctx, a.engine, p.f)
	}
	out := make([]analytics.Switching, 0, len(p.pairs))
	for _, pair := range p.pairs {
		s, err := analytics.SwitchingBetween(ctx, a.engine, p.f, pair[0], pair[1])
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func (a *API) bindSwitching(ctx context.Context, q *request, sh shared) (switchingParams, error) {
	p := switchingParams{f: imscope.Filter{Metric: DefaultMetric, Segment: sh.segment, Networks: sh.networks}}
	var err error
	if p.minCount, err = q.parseInt(ParamMinCount, 0, 1_000_000, 10); err != nil {
		return p, err
	}
	if p.k, err = q.parseInt(ParamK, 0, 60, 4); err != nil {
		return p, err
	}
	periods, err := a.panelPeriods(ctx)
	if err != nil {
		return p, err
	}
	fp, tp := q.raw(ParamFromPeriod), q.raw(ParamToPeriod)
	switch {
	case fp != "" || tp != "":
		pair, err := pickPair(periods, fp, tp)
		if err != nil {
			return p, err
		}
		p.pairs = [][2]time.Time{pair}
		q.set(ParamFromPeriod, formatTime(pair[0]))
		q.set(ParamToPeriod, formatTime(pair[1]))
	case !sh.from.IsZero() || !sh.to.IsZero():
		w := inWindow(periods, sh.from, sh.to)
		for i := 0; i+1 < len(w); i++ {
			p.pairs = append(p.pairs, [2]time.Time{w[i], w[i+1]})
		}
		if len(p.pairs) > maxPairs {
			return p, invalid(ParamFrom, fmt.Sprintf("the range holds %d pairs of panel periods; at most %d", len(p.pairs), maxPairs))
		}
		if len(p.pairs) > 0 { // the window as the panel periods it holds, first to last
			p.along, p.f.From, p.f.To = true, w[0], w[len(w)-1].AddDate(0, 0, 1)
		}
		if !sh.from.IsZero() {
			q.set(ParamFrom, formatTime(sh.from))
		}
		if !sh.to.IsZero() {
			q.set(ParamTo, formatTime(sh.to))
		}
	case len(periods) < 2: // no data is an empty answer
	default:
		pair := [2]time.Time{periods[len(periods)-2], periods[len(periods)-1]}
		p.pairs = [][2]time.Time{pair}
		q.set(ParamFromPeriod, formatTime(pair[0]))
		q.set(ParamToPeriod, formatTime(pair[1]))
	}
	q.set(ParamSegment, sh.segment)
	q.setNetworks(sh.networks)
	return p, nil
}

// pickPair resolves from_period and to_period (either may be empty: the
// neighbouring panel period is taken).
func pickPair(periods []time.Time, fp, tp string) ([2]time.Time, error) {
	var pair [2]time.Time
	idx := [2]int{-1, -1}
	for k, spec := range []struct{ name, s string }{{ParamFromPeriod, fp}, {ParamToPeriod, tp}} {
		if spec.s == "" {
			continue
		}
		t, err := ParseTime(spec.name, spec.s)
		if err != nil {
			return pair, err
		}
		if idx[k] = slices.IndexFunc(periods, t.Equal); idx[k] < 0 {
			return pair, invalid(spec.name, fmt.Sprintf("%s is not a panel period; see /api/v1/panel/periods", formatTime(t)))
		}
	}
	switch {
	case idx[1] < 0:
		if idx[0]+1 >= len(periods) {
			return pair, invalid(ParamFromPeriod, "is the last panel period: no period follows it")
		}
		idx[1] = idx[0] + 1
	case idx[0] < 0:
		if idx[1] == 0 {
			return pair, invalid(ParamToPeriod, "is the first panel period: no period precedes it")
		}
		idx[0] = idx[1] - 1
	case idx[0] >= idx[1]:
		return pair, invalid(ParamToPeriod, "must be a later panel period than from_period")
	}
	return [2]time.Time{periods[idx[0]], periods[idx[1]]}, nil
}

// switchPair renders one pair as analytics discloses it under minCount:
// small cells suppressed and whatever derives from them hidden or rounded
// (analytics.Switching.Disclose holds the privacy policy).
func switchPair(s *analytics.Switching, minCount uint64, k int) SwitchPair {
	d := s.Disclose(minCount, k)
	n, out := len(s.Networks), s.Outside()
	label := func(i int) string {
		if i == out {
			return OutsideNode
		}
		return s.Networks[i]
	}
	r := SwitchPair{FromPeriod: Day(s.From), ToPeriod: Day(s.To), Users: s.Users, Entrants: s.Before[out], Leavers: s.After[out],
		Suppressed: d.Suppressed, Resolution: d.Resolution, Networks: make([]SwitchNetwork, n), Cells: make([]SwitchCell, 0, (n+1)*(n+1)-1), disclosure: d}
	for i := range n + 1 {
		for j := range n + 1 {
			if i == out && j == out {
				continue
			}
			cell := d.Cells[i][j]
			c := SwitchCell{From: label(i), To: label(j), Suppressed: cell.Suppressed, P: cell.P, NetFlow: d.NetFlow[i][j], Diversion: d.Diversion[i][j]}
			if !c.Suppressed {
				c.Count = new(cell.Count)
			}
			r.Cells = append(r.Cells, c)
		}
	}
	for i, name := range s.Networks {
		r.Networks[i] = SwitchNetwork{Network: name, UsersBefore: s.Before[i], UsersAfter: s.After[i], Retention: d.Retention[i], SteadyState: d.SteadyShares[i]}
	}
	st := d.Steady
	r.SteadyState = SteadyState{Unique: st.Unique, Classes: nonNil(st.Classes), Transient: nonNil(st.Transient), NoData: nonNil(d.NoData), Residual: st.Residual}
	r.Forecast = make([]ForecastStep, len(d.Forecast))
	for step, v := range d.Forecast {
		fs := ForecastStep{Step: step, Shares: make([]NetworkShare, n)}
		for i, name := range s.Networks {
			fs.Shares[i] = NetworkShare{Network: name, Share: v[i]}
		}
		r.Forecast[step] = fs
	}
	return r
}
