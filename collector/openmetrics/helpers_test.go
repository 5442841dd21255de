package openmetrics

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/internal/golden"
)

var update = golden.NewFlag("update", "rewrite the golden files in testdata/ from the current output")

// target is a scrape target serving whatever body the test sets.
type target struct {
	mu          sync.Mutex
	body        string
	contentType string
	requests    []*http.Request
	srv         *httptest.Server
}

func newTarget(t testing.TB) *target {
	t.Helper()
	tg := &target{contentType: "text/plain; version=0.0.4; charset=utf-8"}
	tg.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tg.mu.Lock()
		tg.requests = append(tg.requests, r)
		body, ct := tg.body, tg.contentType
		tg.mu.Unlock()
		w.Header().Set("Content-Type", ct)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(tg.srv.Close)
	return tg
}

func (tg *target) serve(contentType, body string) {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	tg.contentType, tg.body = contentType, body
}

func (tg *target) url() string { return tg.srv.URL + "/metrics" }

// clock is a settable Options.Now.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// t0 is the tests' first scrape time.
var t0 = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

// newSource builds a Source on cfg with a fake clock.
func newSource(t testing.TB, cfg Config, c *clock) *Source {
	t.Helper()
	s, err := New("test", cfg, Options{Now: c.now, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// collect runs one Collect and returns the batch it emitted (empty when none).
func collect(t testing.TB, s *Source) collector.Batch {
	t.Helper()
	b, err := tryCollect(s)
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	return b
}

func tryCollect(s *Source) (collector.Batch, error) {
	var got collector.Batch
	n := 0
	err := s.Collect(context.Background(), func(_ context.Context, b collector.Batch) error {
		got = b
		n++
		return nil
	})
	if n > 1 {
		return got, fmt.Errorf("emit called %d times, want at most once", n)
	}
	return got, err
}

// goldenBatch is the part of a collector.Batch this source fills, so that
// fields added to Batch for other sources do not change the golden files.
type goldenBatch struct {
	Samples  []imscope.Sample
	Bridges  []imscope.BridgeSample
	Problems []collector.Problem
}

func goldenOf(b collector.Batch) goldenBatch {
	return goldenBatch{Samples: b.Samples, Bridges: b.Bridges, Problems: b.Problems}
}

// checkGolden compares got, as indented JSON, with testdata/name, or
// rewrites it with -update.
func checkGolden(t *testing.T, name string, got any) {
	t.Helper()
	data, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	update.Check(t, filepath.Join("testdata", name), append(data, '\n'))
}
