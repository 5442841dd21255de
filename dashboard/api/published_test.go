package api_test

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/importjob"
	"github.com/imscope/imscope/dashboard"
	"github.com/imscope/imscope/dashboard/internal/dashtest"
)

// publishedServer is a dashboard whose API reads a database holding only
// what was imported into it through POST /api/v1/imports (the real CSV
// import, runner and writer): published figures and no measured usage.
func publishedServer(t *testing.T, db string, files ...string) *importServer {
	t.Helper()
	e := dashtest.EmptyEngine(t, db)
	// Stored rows drop the answers that read their tables, as in serve.
	var invalidate func(tables ...string)
	stored := func(tables ...string) {
		if invalidate != nil {
			invalidate(tables...)
		}
	}
	runner := collector.NewRunner(e, collector.NewWriter(e, collector.WriterOptions{OnStored: stored}), nil, nil)
	m, err := importjob.New(importjob.Options{Dir: t.TempDir(), Runner: runner, MaxBytes: importjob.DefaultMaxBytes})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); m.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	srv, _ := dashtest.LiveAdmin(t, func(o *dashboard.Options) { o.Imports, o.Engine = m, e })
	invalidate = srv.Config.Handler.(*dashboard.Dashboard).Invalidate
	s := &importServer{url: srv.URL, h: srv.Config.Handler, engine: e}
	for _, f := range files {
		body, err := os.ReadFile("../../docs/examples/" + f)
		if err != nil {
			t.Fatal(err)
		}
		job, _ := s.wait(t, s.start(t, "kind=reports&file="+f, string(body)).ID)
		if job.State != importjob.Done || job.Status != "ok" {
			t.Fatalf("import %s: %+v", f, job)
		}
	}
	return s
}

// getData asks the API and decodes the answer's data; it fails the test
// unless the status is want.
func (s *importServer) getData(t *testing.T, path string, want int) map[string]any {
	t.Helper()
	resp, text := s.get(t, path)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: %d %s, want %d", path, resp.StatusCode, text, want)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		t.Fatal(err)
	}
	if want != http.StatusOK {
		return out["error"].(map[string]any)
	}
	return out["data"].(map[string]any)
}

func round(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(v*p) / p
}

// TestPublishedSeed: the seed imported as a new user would, and asked
// through the API with no measured usage at all, answers the article's
// questions from the published figures: HHI 5,982.6 (the exact rows) in
// 5,982.6 … 5,984.3, CR4 96.07, ranks 2–5 together 21.78 against 76.37.
// auto chooses published and says so; measured is empty; a merger
// scenario has its intervals.
func TestPublishedSeed(t *testing.T) {
	s := publishedServer(t, "published_seed", "im-share-q3.csv")
	for _, source := range []string{"", "&source=published", "&source=auto"} {
		d := s.getData(t, "/api/v1/concentration?from=2010-Q3&to=2010-Q4&granularity=quarter"+source, http.StatusOK)
		if d["source"] != "published" || d["publisher"] != "Analysys International" || d["basis"] != "users" {
			t.Fatalf("%q: source %v %v %v", source, d["source"], d["publisher"], d["basis"])
		}
		ps := d["periods"].([]any)
		if len(ps) != 1 {
			t.Fatalf("%q: %d periods, want 2010-Q3", source, len(ps))
		}
		p := ps[0].(map[string]any)
		for key, want := range map[string]float64{"hhi": 5982.6, "hhi_min": 5982.6, "hhi_max": 5984.3} {
			if got := round(p[key].(float64), 1); got != want {
				t.Errorf("%s = %v, want %v", key, got, want)
			}
		}
		for key, want := range map[string]float64{"cr4": 96.07, "cr4_min": 96.07, "cr4_max": 96.07, "cr1": 76.37} {
			if got := round(p[key].(float64), 2); got != want {
				t.Errorf("%s = %v, want %v", key, got, want)
			}
		}
		co := p["coalitions"].([]any)[3].(map[string]any)
		if co["k"].(float64) != 5 || round(co["share"].(float64), 2) != 21.78 || round(co["gap"].(float64), 2) != 54.59 {
			t.Errorf("ranks 2–5: %v", co)
		}
		last := p["coalitions"].([]any)[6].(map[string]any) // ranks 2–8, the three "< 1%" rows in
		if round(last["share_min"].(float64), 2) != 21.78 || round(last["share_max"].(float64), 2) != 23.63 {
			t.Errorf("ranks 2–8: %v", last)
		}
	}

	// Asked with no range at all, the window ends with the latest published
	// period, at its label's granularity: the new user sees the figures.
	d := s.getData(t, "/api/v1/concentration", http.StatusOK)
	if ps := d["periods"].([]any); d["source"] != "published" || len(ps) != 1 || ps[0].(map[string]any)["period"] != "2010-07-01" {
		t.Errorf("by default: %v", d)
	}

	d = s.getData(t, "/api/v1/concentration?from=2010-Q3&to=2010-Q4&granularity=quarter&source=measured", http.StatusOK)
	if d["source"] != "measured" || len(d["periods"].([]any)) != 0 || len(d["series"].([]any)) != 1 {
		t.Errorf("measured: %v", d)
	}

	sh := s.getData(t, "/api/v1/share?from=2010-Q3&to=2010-Q4&granularity=quarter", http.StatusOK)
	shares := sh["periods"].([]any)[0].(map[string]any)["shares"].([]any)
	if sh["source"] != "published" || len(shares) != 8 {
		t.Fatalf("share: %v", sh)
	}
	first, last := shares[0].(map[string]any), shares[7].(map[string]any)
	if first["network"] != "qq" || first["share"] != 76.37 || first["bound"] != "eq" || last["bound"] != "lt" || last["share"] != 1.0 {
		t.Errorf("shares as published: first %v, last %v", first, last)
	}

	m := s.getData(t, "/api/v1/scenario/merge?from=2010-Q3&to=2010-Q4&granularity=quarter&merge=fetion,msn", http.StatusOK)
	mp := m["periods"].([]any)[0].(map[string]any)
	if m["source"] != "published" || round(mp["delta_hhi"].(float64), 3) != round(2*5.55*4.34, 3) || round(mp["hhi_before_max"].(float64), 1) != 5984.3 {
		t.Errorf("merge: %v", m)
	}
	m = s.getData(t, "/api/v1/scenario/merge?from=2010-Q3&to=2010-Q4&granularity=quarter&merge=popo,yahoo&source=published", http.StatusOK)
	mp = m["periods"].([]any)[0].(map[string]any)
	// two "< 1%" rows: ΔHHI = 2ab is 0 at their floors, at most 2·0.925² with 1.85 points free.
	if mp["delta_hhi_min"].(float64) != 0 || math.Abs(mp["delta_hhi_max"].(float64)-2*0.925*0.925) > 1e-9 {
		t.Errorf("merge of two bounds: %v", mp)
	}

	rows := dashtest.ReadCSV(t, []byte(mustGet(t, s, "/api/v1/concentration?from=2010-Q3&to=2010-Q4&granularity=quarter&format=csv")))
	header := strings.Join(rows[0], ",")
	if !strings.Contains(header, "hhi_min,hhi_max") || !strings.HasSuffix(header, "source,publisher,basis") || len(rows) != 2 {
		t.Errorf("CSV: %v", rows)
	}
}

func mustGet(t *testing.T, s *importServer, path string) string {
	t.Helper()
	resp, text := s.get(t, path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, text)
	}
	return text
}

// TestPublishedHistoryBases: published-history.csv (2006–2010, three
// bases) imported in one request; bases are never mixed — a range holding
// several without a choice is a 400 naming basis and listing them — and
// each basis, once chosen, answers as its own series.
func TestPublishedHistoryBases(t *testing.T) {
	s := publishedServer(t, "published_history", "im-share-q3.csv", "published-history.csv")
	for _, path := range []string{"/api/v1/concentration", "/api/v1/share", "/api/v1/scenario/merge"} {
		q := "?from=2006-01&to=2011-01&granularity=quarter"
		if strings.HasSuffix(path, "merge") {
			q += "&merge=qq,msn"
		}
		e := s.getData(t, path+q, http.StatusBadRequest)
		msg, _ := e["message"].(string)
		if e["param"] != "basis" || !strings.Contains(msg, "active_accounts, mobile_active_accounts, users") {
			t.Errorf("%s mixing bases: %v", path, e)
		}
	}
	d := s.getData(t, "/api/v1/concentration?from=2006-01&to=2011-01&granularity=quarter&basis=mobile_active_accounts", http.StatusOK)
	ps := d["periods"].([]any)
	if d["basis"] != "mobile_active_accounts" || len(ps) != 2 || len(d["series"].([]any)) != 3 {
		t.Fatalf("mobile: %v", d)
	}
	if p := ps[0].(map[string]any); p["period"] != "2010-04-01" || round(p["cr1"].(float64), 2) != 60.44 || round(p["hhi"].(float64), 2) != round(60.44*60.44+21.98*21.98+12.55*12.55, 2) {
		t.Errorf("2010-Q2 mobile: %v", p)
	}
	// at year granularity only the 2006 figures are a year's
	y := s.getData(t, "/api/v1/share?from=2006&to=2011&granularity=year", http.StatusOK)
	if y["basis"] != "active_accounts" || len(y["periods"].([]any)) != 1 {
		t.Errorf("yearly: %v", y)
	}
	e := s.getData(t, "/api/v1/share?from=2006-01&to=2011-01&granularity=quarter&publisher=Nobody", http.StatusBadRequest)
	if e["param"] != "publisher" || !strings.Contains(e["message"].(string), "Analysys International") {
		t.Errorf("unknown publisher: %v", e)
	}
	e = s.getData(t, "/api/v1/share?from=2006-01&to=2011-01&source=elsewhere", http.StatusBadRequest)
	if e["param"] != "source" {
		t.Errorf("bad source: %v", e)
	}
	e = s.getData(t, "/api/v1/share?from=2006-01&to=2011-01&source=measured&basis=users", http.StatusBadRequest)
	if e["param"] != "basis" {
		t.Errorf("basis with measured: %v", e)
	}
}

// TestPublishedInvalidates: a concentration answer reads the published
// figures too, so figures imported after it was cached are seen at once.
func TestPublishedInvalidates(t *testing.T) {
	s := publishedServer(t, "published_invalidates", "im-share-q3.csv")
	path := "/api/v1/concentration?from=2010-Q2&to=2010-Q3&granularity=quarter"
	if d := s.getData(t, path, http.StatusOK); d["source"] != "measured" || len(d["periods"].([]any)) != 0 {
		t.Fatalf("before: %v", d)
	}
	body, err := os.ReadFile("../../docs/examples/published-history.csv")
	if err != nil {
		t.Fatal(err)
	}
	if job, _ := s.wait(t, s.start(t, "kind=reports&file=published-history.csv", string(body)).ID); job.State != importjob.Done {
		t.Fatalf("import: %+v", job)
	}
	d := s.getData(t, path, http.StatusOK)
	if d["source"] != "published" || d["basis"] != "mobile_active_accounts" || len(d["periods"].([]any)) != 1 {
		t.Errorf("after the import: %v", d)
	}
}
