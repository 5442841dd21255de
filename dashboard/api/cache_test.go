package api_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/imscope/imscope/dashboard"
	"github.com/imscope/imscope/dashboard/internal/dashtest"
)

// TestCacheNormalisedKey: spellings of one question share a cache entry;
// different questions do not; errors are not cached; entries expire, and
// are served stale a while after.
func TestCacheNormalisedKey(t *testing.T) {
	var mu sync.Mutex
	now := dashtest.DemoNow
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	h := dashtest.Server(t, func(o *dashboard.Options) { o.Now = clock; o.CacheTTL = 30 * time.Second })
	steps := []struct {
		target, want string
		advance      time.Duration // before the request
	}{
		{"/api/v1/share?networks=qq,msn", "miss", 0},
		{"/api/v1/share?networks=msn,qq", "hit", 0},
		{"/api/v1/share?networks=+msn+,qq&granularity=month&metric=active_users_30d&top=0&format=json", "hit", 0},
		{"/api/v1/share?networks=msn,qq&from=2011-07&to=2012-Q3", "hit", 0}, // the default window, spelled out
		{"/api/v1/share?networks=msn,qq&segment=office", "miss", 0},
		{"/api/v1/share?networks=msn,qq&format=csv", "miss", 0},
		{"/api/v1/share?networks=msn,qq&format=csv&table=shares", "hit", 0},
		{"/api/v1/concentration?networks=qq", "miss", 0},
		{"/api/v1/concentration?networks=msn", "hit", 0}, // concentration ignores networks
		{"/api/v1/share?networks=qq,msn", "hit", 29 * time.Second},
		{"/api/v1/share?networks=qq,msn", "hit", 2 * time.Second},   // expired: served while refreshed in the background
		{"/api/v1/share?networks=qq,msn", "miss", 10 * time.Minute}, // too stale to serve
	}
	for i, s := range steps {
		mu.Lock()
		now = now.Add(s.advance)
		mu.Unlock()
		w := dashtest.Get(t, h, s.target)
		if w.Code != http.StatusOK {
			t.Fatalf("step %d %s: %d %s", i, s.target, w.Code, w.Body)
		}
		if got := w.Header().Get("X-Cache"); got != s.want {
			t.Errorf("step %d %s: X-Cache %q, want %q", i, s.target, got, s.want)
		}
	}
	if w := dashtest.Get(t, h, "/api/v1/share?metric=bogus"); w.Header().Get("X-Cache") != "" {
		t.Errorf("an error carries X-Cache %q", w.Header().Get("X-Cache"))
	}
	off := dashtest.Server(t, func(o *dashboard.Options) { o.CacheTTL = -1 })
	for range 2 {
		if w := dashtest.Get(t, off, "/api/v1/networks"); w.Header().Get("X-Cache") != "miss" {
			t.Errorf("cache off: X-Cache %q", w.Header().Get("X-Cache"))
		}
	}
}
