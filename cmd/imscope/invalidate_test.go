package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/embedded"
)

// TestInsertsTellTheDashboard: the bookkeeping rows written beside the
// collected ones (a collector run, an alert transition) tell the dashboard
// their table once they landed, through the engine every part of serve
// shares — and nothing before the dashboard exists.
func TestInsertsTellTheDashboard(t *testing.T) {
	ctx := context.Background()
	real, err := embedded.Open(ctx, embedded.Options{DataDir: sharedData(), Database: fmt.Sprintf("landings_%d", time.Now().UnixNano()), Library: projectLibrary(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer real.Close()
	if _, err := queries.Migrate(ctx, real, queries.Schema(), nil); err != nil {
		t.Fatal(err)
	}
	var (
		mu   sync.Mutex
		told []string
	)
	l := &landings{}
	e := watchInserts(real, l)
	run := queries.CollectorRun{RunID: "0b6f3d3e-1c1a-4c55-9d1e-6a0f1c2b3d4e", Collector: "demo", Kind: "simulate", StartedAt: time.Now(), Status: "ok"}
	if err := queries.InsertCollectorRun(ctx, e, run); err != nil { // no dashboard yet: goes nowhere
		t.Fatal(err)
	}
	l.tell(func(tables ...string) { mu.Lock(); defer mu.Unlock(); told = append(told, tables...) })
	steps := []struct {
		name  string
		write func() error
		want  []string
	}{
		{"a collector run", func() error { return queries.InsertCollectorRun(ctx, e, run) }, []string{"collector_runs"}},
		{"an alert transition", func() error {
			return queries.InsertAlertEvents(ctx, e, []queries.AlertEvent{{TS: time.Now(), Rule: "r", Kind: "threshold", Firing: true}})
		}, []string{"alert_events"}},
		{"nothing to write", func() error { return queries.InsertAlertEvents(ctx, e, nil) }, nil},
	}
	for _, s := range steps {
		if err := s.write(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		mu.Lock()
		got := told
		told = nil
		mu.Unlock()
		if !slices.Equal(got, s.want) {
			t.Errorf("%s: told %v, want %v", s.name, got, s.want)
		}
	}
}
