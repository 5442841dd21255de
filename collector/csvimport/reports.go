package csvimport

import (
	"strings"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
)

// reportMapper maps period,publisher,basis,network,share_pct,bound,note rows
// onto MarketReports.
type reportMapper struct {
	periods periodCache
	labels  interner
}

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
}
