package api

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/dashboard/respond"
)

const ParamBridges = "bridges"

// Link is a bridge between two networks, active or hypothetical.
type Link struct {
	A string `json:"a"`
	B string `json:"b"`
}

// Reach is reachability in one scenario: none (no bridges), active
// (the bridges that carried traffic in the period) or hypothetical (the
// active bridges plus the ones asked for).
type Reach struct {
	Scenario  string  `json:"scenario"`
	Links     int     `json:"links"`
	Users     uint64  `json:"users"`
	Pairs     uint64  `json:"pairs"`     // unordered pairs of distinct users
	Reachable uint64  `json:"reachable"` // pairs that can message directly
	Share     float64 `json:"share"`     // reachable / pairs × 100
	// DividendPoints and DividendPairs are what the scenario adds to
	// "none"; null for none itself.
	DividendPoints *float64 `json:"dividend_points"`
	DividendPairs  *uint64  `json:"dividend_pairs"`
}

// ReachabilityData answers /reachability.
type ReachabilityData struct {
	Period       *Day    `json:"period"` // null when there is no panel period to show
	End          *Day    `json:"end"`
	Active       []Link  `json:"active"`
	Hypothetical []Link  `json:"hypothetical"` // null when no bridges were asked for
	Scenarios    []Reach `json:"scenarios"`
}

// Rows gives the cells of the CSV table named, in its declared columns.
func (d ReachabilityData) Rows(table string) [][]any {
	var out [][]any
	if table == "links" {
		for _, l := range d.Active {
			out = append(out, []any{d.Period, "active", l.A, l.B})
		}
		for _, l := range d.Hypothetical {
			out = append(out, []any{d.Period, "hypothetical", l.A, l.B})
		}
		return out
	}
	for _, s := range d.Scenarios {
		out = append(out, []any{d.Period, s.Scenario, s.Links, s.Users, s.Pairs, s.Reachable, s.Share, s.DividendPoints, s.DividendPairs})
	}
	return out
}

var reachabilityEndpoint = &Endpoint{
	Path:    "/reachability",
	Summary: "Share of user pairs who can message each other, with and without bridges",
	Description: "Users u and v can message directly when they share a network or one of u's networks is linked to one of v's by a bridge (one hop). " +
		"Scenarios: none; active (routes that carried messages in the panel period); and, with `bridges`, hypothetical = active ∪ the links asked for. " +
		"The interconnection dividend is each scenario's share minus none's.",
	Uses: []string{ParamFrom, ParamTo, ParamSegment},
	Params: []paramDoc{
		{Name: ParamPeriod, Type: "string", Doc: "the panel period; default the latest panel period in [from, to)"},
		{Name: ParamBridges, Type: "string", Doc: "hypothetical links added to the active ones: pairs a-b comma-separated (qq-msn,qq-fetion; join ids that contain '-' with '~'), " +
			"hub=ID (ID linked to every network) or complete (every pair linked); ids are the period's networks (case-sensitive), and any other id is refused"},
	},
	Tables: []Table{
		{Name: "scenarios", Doc: "one row per scenario", Columns: []Column{periodColumn,
			{"scenario", "string", "none, active or hypothetical"},
			{"links", "integer", "links in the scenario"},
			{"users", "integer", "panel users"},
			{"pairs", "integer", "unordered pairs of distinct users"},
			{"reachable", "integer", "pairs that can message directly"},
			{"share", "number", "reachable / pairs × 100"},
			{"dividend_points", "number", "share − none's share, percentage points; empty for none"},
			{"dividend_pairs", "integer", "reachable − none's reachable; empty for none"},
		}},
		{Name: "links", Doc: "one row per link", Columns: []Column{periodColumn,
			{"set", "string", "active or hypothetical"},
			{"a", "string", "network id"},
			{"b", "string", "network id"},
		}},
	},
	Data: ReachabilityData{},
}

// bridgesSpec is a parsed `bridges` parameter.
type bridgesSpec struct {
	links    []analytics.Link // explicit pairs
	hub      string           // hub=ID
	complete bool
}

// parseBridges reads `bridges`; the canonical form sorts the pairs, each
// with its ends in order.
func parseBridges(s string) (bridgesSpec, string, error) {
	var b bridgesSpec
	switch {
	case s == "complete":
		b.complete = true
		return b, s, nil
	case strings.HasPrefix(s, "hub="):
		hub, err := parseLabel(ParamBridges, strings.TrimSpace(strings.TrimPrefix(s, "hub=")))
		if err != nil {
			return b, "", err
		}
		if hub == "" {
			return b, "", invalid(ParamBridges, "hub= needs a network id, e.g. hub=qq")
		}
		b.hub = hub
		return b, "hub=" + hub, nil
	}
	items, err := parseList(ParamBridges, s)
	if err != nil {
		return b, "", err
	}
	for _, it := range items {
		sep := "-"
		if strings.Contains(it, "~") {
			sep = "~"
		}
		parts := strings.Split(it, sep)
		if len(parts) != 2 || strings.TrimSpace(parts[0]) == "" || strings.TrimSpace(parts[1]) == "" {
			return b, "", invalid(ParamBridges, fmt.Sprintf("%s is not a link a-b (or a~b when an id contains '-'), hub=ID or complete", respond.Quote(it)))
		}
		l := analytics.Link{A: strings.TrimSpace(parts[0]), B: strings.TrimSpace(parts[1])}
		if l.A == l.B {
			return b, "", invalid(ParamBridges, fmt.Sprintf("%s links a network to itself", respond.Quote(it)))
		}
		b.links = append(b.links, l)
	}
	b.links = analytics.UnionLinks(b.links)
	canon := make([]string, len(b.links))
	for i, l := range b.links {
		sep := "-"
		if strings.Contains(l.A, "-") || strings.Contains(l.B, "-") {
			sep = "~"
		}
		canon[i] = l.A + sep + l.B
	}
	return b, strings.Join(canon, ","), nil
}

type reachParams struct {
	periodParams
	bridges *bridgesSpec
}

func (a *API) registerReachability() {
	register(a, reachabilityEndpoint,
		func(ctx context.Context, q *request, sh shared) (reachParams, error) {
			var p reachParams
			if s := q.raw(ParamBridges); s != "" {
				b, canon, err := parseBridges(s)
				if err != nil {
					return p, err
				}
				p.bridges = &b
				q.set(ParamBridges, canon)
			}
			pp, err := a.bindPanelPeriod(ctx, q, sh, false)
			p.periodParams = pp
			return p, err
		},
		func(ctx context.Context, p reachParams) (Result, error) {
			if p.period.IsZero() {
				return ReachabilityData{Active: []Link{}, Scenarios: []Reach{}}, nil
			}
			r, err := analytics.ReachIn(ctx, a.engine, p.f, p.period, nil)
			if err != nil {
				return nil, renameParam(err, "signatures", ParamPeriod)
			}
			d := ReachabilityData{Period: new(Day(p.period)), End: new(Day(p.f.To)), Active: links(analytics.UnionLinks(r.Active))}
			d.Scenarios = []Reach{
				reach("none", 0, r.Dividend.Without, nil),
				reach("active", len(r.Active), r.Dividend.With, &r.Dividend),
			}
			if p.bridges != nil {
				hyp, err := a.hypothetical(ctx, p, r.Active)
				if err != nil {
					return nil, err
				}
				h, err := analytics.ReachIn(ctx, a.engine, p.f, p.period, hyp)
				if err != nil {
					return nil, renameParam(err, "links", ParamBridges)
				}
				d.Hypothetical = links(hyp)
				d.Scenarios = append(d.Scenarios, reach("hypothetical", len(hyp), h.Hypothetical.With, h.Hypothetical))
			}
			return d, nil
		})
}

// hypothetical is the active links plus the asked-for ones. hub= and
// complete need the period's networks, which come with its multi-homing
// figures (the same signatures reachability reads).
func (a *API) hypothetical(ctx context.Context, p reachParams, active []analytics.Link) ([]analytics.Link, error) {
	b := p.bridges
	mh, err := analytics.MultiHomingIn(ctx, a.engine, p.f, p.period)
	if err != nil {
		return nil, err
	}
	var networks []string
	for _, n := range mh.Networks {
		networks = append(networks, n.Network)
	}
	if b.hub == "" && !b.complete {
		// A link to an id the period does not know would change nothing
		// and say nothing: refuse it, naming the ids that would work.
		for _, l := range b.links {
			for _, id := range []string{l.A, l.B} {
				if !slices.Contains(networks, id) {
					return nil, invalid(ParamBridges, unknownNetwork(id, networks, p.period))
				}
			}
		}
		return analytics.UnionLinks(active, b.links), nil
	}
	if b.complete {
		return analytics.UnionLinks(active, analytics.CompleteLinks(networks)), nil
	}
	if !slices.Contains(networks, b.hub) {
		return nil, invalid(ParamBridges, fmt.Sprintf("hub %s has no panel users in %s", respond.Quote(b.hub), formatTime(p.period)))
	}
	return analytics.UnionLinks(active, analytics.StarLinks(b.hub, networks)), nil
}

// unknownNetwork says that id is none of the period's networks (ids are
// case-sensitive: "QQ" is not "qq") and lists the ones that are.
func unknownNetwork(id string, networks []string, period time.Time) string {
	valid := slices.Sorted(slices.Values(networks))
	quoted := make([]string, len(valid))
	for i, n := range valid {
		quoted[i] = respond.Quote(n)
	}
	return fmt.Sprintf("%s is not a network with panel users in %s; the ids are %s", respond.Quote(id), formatTime(period), strings.Join(quoted, ", "))
}

func links(ls []analytics.Link) []Link {
	out := make([]Link, len(ls))
	for i, l := range ls {
		out[i] = Link{A: l.A, B: l.B}
	}
	return out
}

func reach(scenario string, n int, r analytics.Reach, d *analytics.Dividend) Reach {
	out := Reach{Scenario: scenario, Links: n, Users: r.Users, Pairs: r.Pairs, Reachable: r.Reachable, Share: r.Share}
	if d != nil {
		out.DividendPoints, out.DividendPairs = &d.Points, &d.Pairs
	}
	return out
}
