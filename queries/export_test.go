package queries

import (
	"context"
	"time"
)

// SetCopyPace replaces the chunk sizing of s's copies into table.
func SetCopyPace(s *Store, table string, p *Pace) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.paces[table] = p
}

// OnCopiedChunk calls f after each chunk a Store copies, until restore.
func OnCopiedChunk(f func()) (restore func()) {
	copiedChunk = f
	return func() { copiedChunk = nil }
}

// SlicePanelBuilds makes panel builds slice by p and call f after each
// slice, until restore.
func SlicePanelBuilds(p *Pace, f func()) (restore func()) {
	old := panelPace
	panelPace, panelSliceBuilt = p, f
	return func() { panelPace, panelSliceBuilt = old, nil }
}

// PanelUsersVisible is what a reader of period's derived users sees now,
// without bringing the build up to date first: users counted over all
// multi-homing signatures of all segments together (segment "").
func PanelUsersVisible(ctx context.Context, e Engine, period time.Time) (uint64, error) {
	counts, err := collect(ctx, e, sqlPanelUsersSignatures, []Param{Named("period", period), Named("segment", "")}, func(r Rows) (n uint64, err error) {
		var networks []string
		return n, r.Scan(&networks, &n)
	})
	var total uint64
	for _, n := range counts {
		total += n
	}
	return total, err
}
