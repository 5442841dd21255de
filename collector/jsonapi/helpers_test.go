package jsonapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope/collector"
)

// fetchedAt is the clock the tests give sources.
var fetchedAt = time.Date(2010, 10, 1, 12, 0, 0, 0, time.UTC)

// serveTestdata serves testdata/NAME at /NAME on a loopback test server.
func serveTestdata(t testing.TB) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, err := os.ReadFile("testdata/" + strings.TrimPrefix(r.URL.Path, "/"))
		if err != nil {
			http.Error(w, "no such file", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(data)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// collect creates the source and collects once, returning the emitted batch
// (or an empty one).
func collect(t testing.TB, cfg Config, opts Options) (collector.Batch, error) {
	t.Helper()
	src, err := New("test", cfg, withDefaults(opts))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return collectOnce(src)
}

func collectOnce(src *Source) (collector.Batch, error) {
	var got collector.Batch
	n := 0
	err := src.Collect(context.Background(), func(_ context.Context, b collector.Batch) error {
		n++
		got = b
		return nil
	})
	if n > 1 {
		panic("more than one batch for one fetch")
	}
	return got, err
}

func withDefaults(opts Options) Options {
	if opts.Now == nil {
		opts.Now = func() time.Time { return fetchedAt }
	}
	if opts.Getenv == nil {
		opts.Getenv = func(string) string { return "" }
	}
	return opts
}

// want is one expected Problem: its exact Where and Message.
type want struct{ where, msg string }

func checkProblems(t *testing.T, got []collector.Problem, want []want) {
	t.Helper()
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(got):
			t.Errorf("missing problem %s: %s", want[i].where, want[i].msg)
		case i >= len(want):
			t.Errorf("unexpected problem %q", got[i].Error())
		case got[i].Where != want[i].where || got[i].Message != want[i].msg:
			t.Errorf("problem %d:\n got %s: %s\nwant %s: %s", i, got[i].Where, got[i].Message, want[i].where, want[i].msg)
		}
	}
}
