package api

import (
	"context"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/dashboard/cache"
)

// The market questions (share, concentration, merger scenarios) can be
// asked of measured usage or of published figures; these are the
// parameters that choose, and the fields that say what was used.
const (
	ParamPublisher = "publisher"
	ParamBasis     = "basis"
)

// sourceParams are the source parameters, declared on each market endpoint.
var sourceParams = []paramDoc{
	{Name: ParamSource, Type: "string", Default: string(analytics.SourceAuto), Enum: []string{string(analytics.SourceAuto), string(analytics.SourceMeasured), string(analytics.SourcePublished)},
		Doc: "where shares come from: measured usage, or published figures (market_reports); auto is measured when the range has measured usage of the metric, else published. The answer's `source` says which was used"},
	{Name: ParamPublisher, Type: "string", Doc: "with published figures: the publisher, when the range has several (the answer lists them in `series`)"},
	{Name: ParamBasis, Type: "string", Doc: "with published figures: the basis (users, active_accounts, mobile_active_accounts…). Shares of different bases or publishers are never mixed: when the range has several and none is chosen, the answer is 400 naming `basis` (or `publisher`) with the choices"},
}

// Series is one publisher's figures on one basis.
type Series struct {
	Publisher string `json:"publisher"`
	Basis     string `json:"basis"`
}

// SourceUsed says where an answer's shares come from: source is measured or
// published; publisher and basis name the published series used ("" when
// measured); series lists every published series of the range at the
// granularity asked, for a choice.
type SourceUsed struct {
	Source    string   `json:"source"`
	Publisher string   `json:"publisher"`
	Basis     string   `json:"basis"`
	Series    []Series `json:"series"`
}

func sourceUsed(u analytics.SourceUsed) SourceUsed {
	out := SourceUsed{Source: string(u.Source), Publisher: u.Publisher, Basis: u.Basis, Series: make([]Series, len(u.Available))}
	for i, s := range u.Available {
		out.Series[i] = Series{Publisher: s.Publisher, Basis: s.Basis}
	}
	return out
}

// parseSource reads source, publisher and basis and records them in the
// question's key.
func (q *request) parseSource() (analytics.SourceChoice, error) {
	s, err := analytics.ParseSource(q.raw(ParamSource))
	if err != nil {
		return analytics.SourceChoice{}, err
	}
	c := analytics.SourceChoice{Source: s, Publisher: q.raw(ParamPublisher), Basis: q.raw(ParamBasis)}
	if s == analytics.SourceMeasured && (c.Publisher != "" || c.Basis != "") {
		name := ParamPublisher
		if c.Basis != "" {
			name = ParamBasis
		}
		return c, invalid(name, "chooses among published figures; it does not go with source=measured")
	}
	q.set(ParamSource, string(s))
	q.set(ParamPublisher, c.Publisher)
	q.set(ParamBasis, c.Basis)
	return c, nil
}

// latestPublished is the latest published period and its granularity
// (analytics.LatestPublished), cached like a response.
func (a *API) latestPublished(ctx context.Context) (time.Time, imscope.Granularity, bool, error) {
	type latest struct {
		start time.Time
		g     imscope.Granularity
		ok    bool
	}
	v, _, err := a.extents.Do(ctx, "published", func(ctx context.Context) (any, error) {
		cache.Reads(ctx, dataPublished)
		start, g, ok, err := analytics.LatestPublished(ctx, a.engine, a.now())
		return latest{start: start, g: g, ok: ok}, err
	}, nil)
	if err != nil {
		return time.Time{}, "", false, err
	}
	l := v.(latest)
	return l.start, l.g, l.ok, nil
}

// Used is the source an answer used; the market answers embed SourceUsed,
// so pages read it alike from each.
func (s SourceUsed) Used() SourceUsed { return s }
