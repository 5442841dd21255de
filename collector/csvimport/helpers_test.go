package csvimport

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/imscope/imscope/collector"
)

// testKey is the panel hashing key the tests set.
const testKey = "test-key-0123456789abcdef"

func testEnv(name string) string {
	if name == DefaultPanelKeyEnv {
		return testKey
	}
	return ""
}

// result is everything one import produced.
type result struct {
	batches []collector.Batch
	all     collector.Batch // the batches merged
	sum     Summary
	err     error
}

// run imports cfg with the test key and collects every batch.
func run(t testing.TB, cfg Config, opts Options) result {
	t.Helper()
	if opts.Getenv == nil {
		opts.Getenv = testEnv
	}
	src, err := New("test", cfg, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	var res result
	res.sum, res.err = src.Import(context.Background(), func(_ context.Context, b collector.Batch) error {
		res.batches = append(res.batches, b)
		res.all.Samples = append(res.all.Samples, b.Samples...)
		res.all.Bridges = append(res.all.Bridges, b.Bridges...)
		res.all.Panel = append(res.all.Panel, b.Panel...)
		res.all.Reports = append(res.all.Reports, b.Reports...)
		res.all.Events = append(res.all.Events, b.Events...)
		res.all.Problems = append(res.all.Problems, b.Problems...)
		return nil
	})
	return res
}

// writeFile writes data to a file named name in a temporary directory and
// returns its path.
func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
