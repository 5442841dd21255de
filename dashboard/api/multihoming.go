package api

import (
	"context"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/analytics"
)

// PerUser is the share of users on k networks.
type PerUser struct {
	Networks int     `json:"networks"` // k
	Users    uint64  `json:"users"`    // users on exactly k networks
	Share    float64 `json:"share"`    // percent of all users
}

// NetworkUsers is one network's users: all of them, and those on it alone.
type NetworkUsers struct {
	Network string  `json:"network"`
	Users   uint64  `json:"users"` // |A|
	Only    uint64  `json:"only"`  // on this network and no other
	Share   float64 `json:"share"` // |A| / users × 100
}

// Overlap is the users two networks share.
type Overlap struct {
	A       string  `json:"a"`
	B       string  `json:"b"`
	Both    uint64  `json:"both"`
	Either  uint64  `json:"either"`
	Jaccard float64 `json:"jaccard"`
	BGivenA float64 `json:"b_given_a"`
	AGivenB float64 `json:"a_given_b"`
}

// MultiHomingData answers /multihoming.
type MultiHomingData struct {
	Period           *Day           `json:"period"` // null when there is no panel period to show
	Users            uint64         `json:"users"`
	Mean             float64        `json:"mean"`
	MultiHomers      uint64         `json:"multi_homers"`
	MultiHomingShare float64        `json:"multi_homing_share"`
	PerUser          []PerUser      `json:"per_user"`
	Networks         []NetworkUsers `json:"networks"`
	Pairs            []Overlap      `json:"pairs"`
}

// Rows gives the cells of the CSV table named, in its declared columns.
func (d MultiHomingData) Rows(table string) [][]any {
	var out [][]any
	switch table {
	case "pairs":
		for _, o := range d.Pairs {
			out = append(out, []any{d.Period, o.A, o.B, o.Both, o.Either, o.Jaccard, o.BGivenA, o.AGivenB})
		}
	case "per_user":
		for _, p := range d.PerUser {
			out = append(out, []any{d.Period, p.Networks, p.Users, p.Share})
		}
	case "summary":
		if d.Period != nil {
			out = append(out, []any{d.Period, d.Users, d.Mean, d.MultiHomers, d.MultiHomingShare})
		}
	default:
		for _, n := range d.Networks {
			out = append(out, []any{d.Period, n.Network, n.Users, n.Only, n.Share})
		}
	}
	return out
}

var periodColumn = Column{"period", "date", "start of the panel period"}

var multiHomingEndpoint = &Endpoint{
	Path:    "/multihoming",
	Summary: "How many users keep several networks, and whose users overlap",
	Description: "For one panel period: the networks-per-user distribution, each network's reach |A| and exclusive users, and for every pair " +
		"|A∩B|, |A∪B|, Jaccard = |A∩B| / |A∪B| and P(B|A) = |A∩B| / |A|. `networks` limits the pairs listed; the distribution counts every network.",
	Uses: []string{ParamFrom, ParamTo, ParamSegment, ParamNetworks},
	Params: []paramDoc{
		{Name: ParamPeriod, Type: "string", Doc: "the panel period (its start as a date, month or quarter); default the latest panel period in [from, to)"},
	},
	Tables: []Table{
		{Name: "networks", Doc: "one row per network", Columns: []Column{periodColumn,
			{"network", "string", "network id"},
			{"users", "integer", "users on the network, alone or with others"},
			{"only", "integer", "users on this network and no other"},
			{"share", "number", "users / all users × 100; sums to mean × 100"},
		}},
		{Name: "pairs", Doc: "one row per pair of networks", Columns: []Column{periodColumn,
			{"a", "string", "network id"},
			{"b", "string", "network id, after a"},
			{"both", "integer", "users on both"},
			{"either", "integer", "users on either"},
			{"jaccard", "number", "both / either"},
			{"b_given_a", "number", "P(B|A): share of a's users also on b"},
			{"a_given_b", "number", "P(A|B)"},
		}},
		{Name: "per_user", Doc: "one row per number of networks k", Columns: []Column{periodColumn,
			{"networks", "integer", "k"},
			{"users", "integer", "users on exactly k networks"},
			{"share", "number", "percent of all users"},
		}},
		{Name: "summary", Doc: "one row (none without a panel period)", Columns: []Column{periodColumn,
			{"users", "integer", "panel users in the period"},
			{"mean", "number", "average networks per user"},
			{"multi_homers", "integer", "users on two or more networks"},
			{"multi_homing_share", "number", "their share, percent"},
		}},
	},
	Data: MultiHomingData{},
}

type periodParams struct {
	f       imscope.Filter
	period  time.Time
	periods []time.Time
}

// bindPanelPeriod binds the one-period panel endpoints' parameters;
// usesNetworks says whether the answer depends on the selection.
func (a *API) bindPanelPeriod(ctx context.Context, q *request, sh shared, usesNetworks bool) (periodParams, error) {
	p, periods, err := a.panelPeriod(ctx, q, sh)
	if err != nil {
		return periodParams{}, err
	}
	q.set(ParamSegment, sh.segment)
	if usesNetworks {
		q.setNetworks(sh.networks)
	} else {
		sh.networks = nil
	}
	if p.IsZero() {
		return periodParams{}, nil
	}
	g := analytics.PanelStep(periods, p)
	f := imscope.Filter{From: p, To: g.Next(p), Granularity: g, Metric: DefaultMetric, Segment: sh.segment, Networks: sh.networks}
	return periodParams{f: f, period: p, periods: periods}, nil
}

func (a *API) registerMultiHoming() {
	register(a, multiHomingEndpoint, func(ctx context.Context, q *request, sh shared) (periodParams, error) {
		return a.bindPanelPeriod(ctx, q, sh, true)
	}, func(ctx context.Context, p periodParams) (Result, error) {
		if p.period.IsZero() {
			return MultiHomingData{PerUser: []PerUser{}, Networks: []NetworkUsers{}, Pairs: []Overlap{}}, nil
		}
		mh, err := analytics.MultiHomingIn(ctx, a.engine, p.f, p.period)
		if err != nil {
			return nil, err
		}
		d := MultiHomingData{Period: new(Day(p.period)), Users: mh.Users, Mean: mh.Mean, MultiHomers: mh.MultiHomers, MultiHomingShare: mh.MultiHomingShare,
			PerUser: make([]PerUser, len(mh.PerUser)), Networks: make([]NetworkUsers, len(mh.Networks)), Pairs: make([]Overlap, len(mh.Pairs))}
		for i, x := range mh.PerUser {
			d.PerUser[i] = PerUser{Networks: x.Networks, Users: x.Users, Share: x.Share}
		}
		for i, x := range mh.Networks {
			d.Networks[i] = NetworkUsers{Network: x.Network, Users: x.Users, Only: x.Only, Share: x.Share}
		}
		for i, x := range mh.Pairs {
			d.Pairs[i] = Overlap{A: x.A, B: x.B, Both: x.Both, Either: x.Either, Jaccard: x.Jaccard, BGivenA: x.BGivenA, AGivenB: x.AGivenB}
		}
		return d, nil
	})
}
