package csvimport

import (
	"math"
	"strings"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
)

// panelMapper maps period,user_id,network,segment,active_days,messages rows
// onto PanelRecords, hashing the user id on the way. The raw id goes no
// further than the hasher: it is not kept, logged or put in a message.
type panelMapper struct {
	hasher  *UserHasher // nil when only checking rows (strict mode's first pass)
	periods periodCache
	labels  interner
}

func (m *panelMapper) add(r *row, b *collector.Batch) {
	id := strings.TrimSpace(r.cell(panUser))
	if id == "" {
		r.fail(panUser, "empty")
	}
	r.secret = id
	rawPeriod := strings.TrimSpace(r.cell(panPeriod))
	p, err := m.periods.parse(rawPeriod)
	if err != nil {
		r.fail(panPeriod, "%s %v", r.show(rawPeriod), err)
	}
	rec := imscope.PanelRecord{
		Network:  r.label(panNetwork, true),
		Segment:  r.label(panSegment, false),
		Messages: r.whole(panMessages, math.MaxUint64),
	}
	days := r.whole(panActiveDays, math.MaxUint16)
	if err == nil && days > uint64(p.days()) {
		r.fail(panActiveDays, "%d is more than the %d days in %s", days, p.days(), r.show(rawPeriod))
	}
	if len(r.errs) > 0 {
		return
	}
	rec.Period = p.start
	rec.ActiveDays = uint16(days)
	rec.Network = m.labels.get(rec.Network)
	rec.Segment = m.labels.get(rec.Segment)
	if m.hasher != nil {
		rec.UserKey = m.hasher.Key(id)
	}
	b.Panel = append(b.Panel, rec)
}
