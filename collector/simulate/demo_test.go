package simulate_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/simulate"
	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/enginetest"
)

var dataDir string

func TestMain(m *testing.M) { os.Exit(enginetest.RunWithDataDir(m, &dataDir)) }

// TestDemoLoadsOnceAndResumes: the history's load is a recorded run that
// later starts see, and live traffic continues right after the latest
// minute stored instead of from the minute just completed.
func TestDemoLoadsOnceAndResumes(t *testing.T) {
	ctx := context.Background()
	e := enginetest.Migrated(t, dataDir, "simulate_demo")
	r := collector.NewRunner(e, collector.NewWriter(e, collector.WriterOptions{}), nil, nil)
	if simulate.HistoryLoaded(ctx, e) {
		t.Fatal("the history counts as loaded in an empty database")
	}
	cfg := simulate.Config{Start: "2012-11", Months: 2, PanelUsers: 200}
	run, err := simulate.LoadHistory(ctx, r, cfg, nil)
	if err != nil || run.Status != "ok" || run.Collector != simulate.HistoryCollector || run.Stored == 0 {
		t.Fatalf("load: %+v, %v", run, err)
	}
	if !simulate.HistoryLoaded(ctx, e) {
		t.Fatal("the history does not count as loaded after a good run")
	}
	if _, err := simulate.LoadHistory(ctx, r, simulate.Config{Months: -1}, nil); err == nil {
		t.Fatal("a bad config was loaded")
	}

	latest, err := queries.LatestBridgeTraffic(ctx, e, simulate.DefaultSource)
	if err != nil || latest.IsZero() {
		t.Fatalf("latest stored minute %v, %v", latest, err)
	}
	live := cfg
	live.TrafficOnlyLive = true
	now := latest.Add(10 * time.Minute)
	src, err := simulate.New(simulate.LiveCollector, live, simulate.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if err := src.ResumeFrom(ctx, e); err != nil {
		t.Fatal(err)
	}
	var first time.Time
	err = src.Collect(ctx, func(_ context.Context, b collector.Batch) error {
		for _, s := range b.Bridges {
			if first.IsZero() || s.TS.Before(first) {
				first = s.TS
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := latest.Add(time.Minute); !first.Equal(want) {
		t.Fatalf("live traffic starts at %v, want %v: the minute after the latest stored", first, want)
	}
}
