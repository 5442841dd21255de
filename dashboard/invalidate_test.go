package dashboard_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/dashboard"
	"github.com/imscope/imscope/dashboard/internal/dashtest"
)

var nonce = regexp.MustCompile(`nonce="[^"]*"`)

// TestLandedBatchInvalidates: with answers kept an hour, a batch stored
// through the writer changes the answers (API and pages) that read its
// tables at once, through the whole server on a loopback listener, and
// leaves the others cached.
func TestLandedBatchInvalidates(t *testing.T) {
	e := dashtest.EmptyEngine(t, "cache_invalidation")
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	opts := dashtest.Options(t)
	opts.Engine, opts.Now, opts.CacheTTL = e, func() time.Time { return now }, time.Hour
	opts.Alerts, opts.Collectors = nil, nil
	d, err := dashboard.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	srv := httptest.NewServer(d)
	t.Cleanup(srv.Close)
	w := collector.NewWriter(e, collector.WriterOptions{OnStored: d.Invalidate})
	ctx := context.Background()
	store := func(b collector.Batch) {
		t.Helper()
		if o, err := w.Store(ctx, b); err != nil || o.Stored() != b.Rows() {
			t.Fatalf("store: %v, %v", o, err)
		}
	}
	get := func(path string) (body, xcache string) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %v %s", path, resp.StatusCode, err, b)
		}
		// Pages differ by their CSP nonce alone when nothing changed.
		return nonce.ReplaceAllString(string(b), ""), resp.Header.Get("X-Cache")
	}
	day := now.Add(-24 * time.Hour).Truncate(24 * time.Hour)
	usage := func(network string, users float64) collector.Batch {
		return collector.Batch{Samples: []imscope.Sample{{TS: day, Source: "test", Network: network, Metric: "active_users_30d", Value: users}}}
	}
	traffic := collector.Batch{Bridges: []imscope.BridgeSample{{TS: now.Add(-30 * time.Minute), Source: "test", Bridge: "qq-msn",
		FromNetwork: "qq", ToNetwork: "msn", Messages: 600, Failures: 6}}}

	store(usage("qq", 100))
	share, _ := get("/api/v1/share")
	if _, x := get("/api/v1/share"); x != "hit" {
		t.Fatalf("share asked twice: X-Cache %q, want hit", x)
	}
	bridges, _ := get("/api/v1/bridges")
	bridgesPage, _ := get("/bridges")
	sharePage, _ := get("/share")
	if p, _ := get("/share"); p != sharePage {
		t.Fatal("the Market share page asked twice differs")
	}
	if !strings.Contains(bridgesPage, "No bridge traffic in this window yet") {
		t.Fatal("the Bridges page does not say it has no traffic yet")
	}

	store(traffic)
	if b, x := get("/api/v1/bridges"); b == bridges || x != "miss" || !strings.Contains(b, `"messages":600`) {
		t.Errorf("bridges after a traffic batch: X-Cache %q, unchanged %v: %s", x, b == bridges, b)
	}
	if b, _ := get("/bridges"); strings.Contains(b, "No bridge traffic in this window yet") || b == bridgesPage {
		t.Error("the Bridges page still says it has no traffic after a batch landed")
	}
	if b, x := get("/api/v1/share"); b != share || x != "hit" {
		t.Errorf("share after a traffic batch: X-Cache %q, changed %v; a traffic batch must not drop it", x, b != share)
	}
	if p, _ := get("/share"); p != sharePage {
		t.Error("the Market share page changed after a traffic batch")
	}

	store(usage("msn", 300))
	b, x := get("/api/v1/share")
	if b == share || x != "miss" || !strings.Contains(b, `"msn"`) {
		t.Errorf("share after a usage batch: X-Cache %q, unchanged %v: %s", x, b == share, b)
	}
	if p, _ := get("/share"); p == sharePage {
		t.Error("the Market share page is unchanged after a usage batch")
	}
}
