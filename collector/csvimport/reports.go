package csvimport

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
)

// reportMapper maps period,publisher,basis,network,share_pct,bound,note rows
// onto MarketReports.
type reportMapper struct {
	periods periodCache
	labels  interner
	totals  map[reportGroup]*reportTotal
}

// reportGroup is one publisher's figures for one period on one basis: the
// shares that should add up to at most 100.
type reportGroup struct{ period, publisher, basis string }

type reportTotal struct {
	sum  float64 // exact shares and lower bounds ("> x")
	line int     // the group's first line
}

// overTolerance is how far past 100 a group's shares may add up before the
// import warns: published shares are rounded (ten shares rounded to 0.01
// can add up to 100.05).
const overTolerance = 0.1

func (m *reportMapper) add(r *row, b *collector.Batch) {
	rawPeriod := strings.TrimSpace(r.cell(repPeriod))
	p, err := m.periods.parse(rawPeriod)
	if err != nil {
		r.fail(repPeriod, "%s %v", r.show(rawPeriod), err)
	}
	rep := imscope.MarketReport{
		Publisher: r.label(repPublisher, true),
		Basis:     r.label(repBasis, true),
		Network:   r.label(repNetwork, true),
		Share:     r.number(repShare, true),
		Bound:     imscope.BoundEq,
		Note:      r.label(repNote, false),
	}
	if rep.Share > 100 {
		r.fail(repShare, "%s is more than 100", r.show(r.cell(repShare)))
	}
	switch v := strings.ToLower(strings.TrimSpace(r.cell(repBound))); v {
	case "", "eq":
	case "lt":
		rep.Bound = imscope.BoundLt
	case "gt":
		rep.Bound = imscope.BoundGt
	default:
		r.fail(repBound, "%s is not one of eq, lt, gt", r.show(r.cell(repBound)))
	}
	if len(r.errs) > 0 {
		return
	}
	rep.Period = m.labels.get(rawPeriod)
	rep.PeriodStart = p.start
	rep.Publisher = m.labels.get(rep.Publisher)
	rep.Basis = m.labels.get(rep.Basis)
	rep.Network = m.labels.get(rep.Network)
	rep.Note = strings.Clone(rep.Note)
	b.Reports = append(b.Reports, rep)
	if rep.Bound != imscope.BoundLt {
		g := reportGroup{rep.Period, rep.Publisher, rep.Basis}
		if m.totals == nil {
			m.totals = map[reportGroup]*reportTotal{}
		}
		t := m.totals[g]
		if t == nil {
			t = &reportTotal{line: r.line}
			m.totals[g] = t
		}
		t.sum += rep.Share
	}
}

// finish warns about the periods whose shares add up to more than 100: a
// typo or two reports mixed in one file, imported as given.
func (m *reportMapper) finish(where string) []collector.Problem {
	var out []collector.Problem
	for g, t := range m.totals {
		if t.sum > 100+overTolerance {
			out = append(out, collector.Problem{Where: fmt.Sprintf("%s:%d", where, t.line), Warning: true,
				Message: fmt.Sprintf("%s's %s shares for %s add up to %s%%, more than 100: check the file (imported as given)", g.publisher, g.basis, g.period, strconv.FormatFloat(math.Round(t.sum*1e6)/1e6, 'f', -1, 64))})
		}
	}
	slices.SortFunc(out, func(a, b collector.Problem) int { return strings.Compare(a.Where, b.Where) })
	return out
}
