package csvimport

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/imscope/imscope/collector"
)

// BenchmarkPanelImport measures parse + hash + map of a generated 10M-row
// panel CSV (about 560 MB) into PanelRecord batches, and the process's peak
// resident memory. Inserting is the pipeline's part and is not included.
//
//	go test ./collector/csvimport -run '^$' -bench PanelImport -benchtime 1x
func BenchmarkPanelImport(b *testing.B) {
	const rows = 10_000_000
	path := filepath.Join(b.TempDir(), "panel-10m.csv")
	genStart := time.Now()
	size := genPanel(b, path, rows)
	b.Logf("generated %d rows, %.0f MB, in %v", rows, float64(size)/1e6, time.Since(genStart).Round(time.Millisecond))

	src, err := New("bench", Config{Kind: KindPanel, Path: path}, Options{Getenv: testEnv})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		landed := 0
		sum, err := src.Import(context.Background(), func(_ context.Context, batch collector.Batch) error {
			landed += len(batch.Panel)
			return nil
		})
		if err != nil || landed != rows || sum.Rejected != 0 {
			b.Fatalf("err %v, %d rows landed, summary %+v", err, landed, sum)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	if hwm, ok := procStatus("VmHWM:"); ok {
		b.ReportMetric(float64(hwm)/(1<<20), "peak-RSS-MiB")
	}
}
