package simulate

import (
	"context"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
)

// dataset is everything one History call emitted.
type dataset struct {
	src     *Source
	batches int
	samples []imscope.Sample
	bridges []imscope.BridgeSample
	panel   []imscope.PanelRecord
	reports []imscope.MarketReport
}

// smallPanel keeps most tests fast; one test runs the default size.
const smallPanel = 20_000

// history runs History for cfg and keeps every row, failing the test on a
// batch larger than batchRows or carrying problems.
func history(t testing.TB, cfg Config) *dataset {
	t.Helper()
	s, err := New("test", cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := &dataset{src: s}
	err = s.History(context.Background(), func(_ context.Context, b collector.Batch) error {
		d.batches++
		if n := b.Rows(); n == 0 || n > batchRows {
			t.Errorf("batch %d has %d rows, want 1..%d", d.batches, n, batchRows)
		}
		if len(b.Problems) > 0 {
			t.Errorf("batch %d has problems: %v", d.batches, b.Problems)
		}
		d.samples = append(d.samples, b.Samples...)
		d.bridges = append(d.bridges, b.Bridges...)
		d.panel = append(d.panel, b.Panel...)
		d.reports = append(d.reports, b.Reports...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// smallConfig is the default market with a small panel.
func smallConfig(seed int64) Config {
	c := DefaultConfig()
	c.Seed = seed
	c.PanelUsers = smallPanel
	return c
}

// shared caches the small default dataset, which several tests only read.
var shared *dataset

func defaultSmall(t *testing.T) *dataset {
	t.Helper()
	if shared == nil {
		shared = history(t, smallConfig(1))
	}
	return shared
}

// inIncident reports whether bridge b is in one of incs at ts.
func inIncident(incs []Incident, b string, ts time.Time) bool {
	for i := range incs {
		if incs[i].Bridge == b && incs[i].contains(ts) {
			return true
		}
	}
	return false
}
