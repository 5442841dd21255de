package simulate

import (
	"context"
	"testing"
	"time"

	"github.com/imscope/imscope/collector"
)

// BenchmarkHistory generates the default demo (36 months, 200,000-user
// quarterly panel) and reports rows per second.
func BenchmarkHistory(b *testing.B) {
	s, err := New("bench", DefaultConfig(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	var rows int
	start := time.Now()
	for b.Loop() {
		err := s.History(context.Background(), func(_ context.Context, batch collector.Batch) error {
			rows += batch.Rows()
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows)/time.Since(start).Seconds(), "rows/s")
	b.ReportMetric(float64(rows)/float64(b.N), "rows/op")
}
