package collector_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
)

// landedLog records what a Writer's OnStored was told.
type landedLog struct {
	mu     sync.Mutex
	tables []string
}

func (l *landedLog) add(tables ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tables = append(l.tables, tables...)
}

func (l *landedLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.tables
	l.tables = nil
	slices.Sort(out)
	return slices.Compact(out)
}

// TestWriterTellsLanded: OnStored names the tables rows landed in once they
// are in ClickHouse — not when they are spooled, but when the spool is
// replayed — and the derived panel table a refresh rebuilt; rows already
// stored land nowhere.
func TestWriterTellsLanded(t *testing.T) {
	real := openEngine(t, "writer_landed")
	e := &outage{Engine: real}
	spool, err := collector.OpenSpool(t.TempDir(), 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	var log landedLog
	w := collector.NewWriter(e, collector.WriterOptions{Spool: spool, OnStored: log.add})
	ctx := context.Background()
	period := time.Date(2011, 4, 1, 0, 0, 0, 0, time.UTC)
	panel := collector.Batch{Panel: []imscope.PanelRecord{{Period: period, UserKey: 1, Network: "qq", ActiveDays: 3}, {Period: period, UserKey: 2, Network: "msn", ActiveDays: 5}}}
	steps := []struct {
		name string
		down bool
		do   func() error
		want []string
	}{
		{"spooled while ClickHouse is away", true, func() error { return w.Add(ctx, batch(0, 10)) }, nil},
		{"replayed when it is back", false, func() error { return w.Replay(ctx) }, []string{"bridge_traffic", "usage_samples"}},
		{"the same rows again", false, func() error { return w.Add(ctx, batch(0, 10)) }, nil},
		{"new usage rows", false, func() error { return w.Add(ctx, collector.Batch{Samples: batch(20, 1).Samples}) }, []string{"usage_samples"}},
		{"panel rows, then the run's end rebuilds the period", false, func() error {
			if err := w.Add(ctx, panel); err != nil {
				return err
			}
			return w.Flush(ctx)
		}, []string{"panel_activity", "panel_users"}},
	}
	for _, s := range steps {
		e.down.Store(s.down)
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := log.take(); !slices.Equal(got, s.want) {
			t.Errorf("%s: told %v, want %v", s.name, got, s.want)
		}
	}
}
