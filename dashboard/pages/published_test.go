package pages_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/csvimport"
	"github.com/imscope/imscope/dashboard"
	"github.com/imscope/imscope/dashboard/internal/dashtest"
)

// publishedSite is a dashboard over a database holding only published
// figures, imported from docs/examples through the real CSV import and
// batch writer, as `imscope import reports FILE` does.
func publishedSite(t *testing.T, db string, files ...string) http.Handler {
	t.Helper()
	e := dashtest.EmptyEngine(t, db)
	runner := collector.NewRunner(e, collector.NewWriter(e, collector.WriterOptions{}), nil, nil)
	for _, f := range files {
		src, err := csvimport.New("import", csvimport.ConfigFor(csvimport.KindReports, "../../docs/examples/"+f), csvimport.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		run := runner.Run(ctx, collector.Collector{Name: "import", Kind: "csv", Target: f, Source: src})
		cancel()
		if run.Status != "ok" {
			t.Fatalf("import %s: %+v", f, run)
		}
	}
	return dashtest.Server(t, func(o *dashboard.Options) { o.Engine = e })
}

// TestSharePagePublished: with only the seed's figures imported, the
// Market share page shows them by default (auto → published, the quarter
// of their label), says whose figures they are, keeps the source switch in
// its filter bar, prints "< 1%" for the bounds and HHI 5,983 with its
// interval, and draws the HHI band — in English and in Chinese.
func TestSharePagePublished(t *testing.T) {
	h := publishedSite(t, "pages_published_seed", "im-share-q3.csv")
	for _, lang := range []string{"en", "zh-CN"} {
		for _, path := range []string{"/share?lang=" + lang, "/share?source=published&lang=" + lang} {
			w := dashtest.Get(t, h, path)
			body := w.Body.String()
			if w.Code != http.StatusOK {
				t.Fatalf("%s: %d %.400s", path, w.Code, body)
			}
			for _, want := range []string{`id="share-source"`, "Analysys International", `name="source"`, `name="basis"`,
				"&lt; 1.0%", "5,983", "5,984", `"imBand":true`, `id="concentration"`, `id="published"`} {
				if !strings.Contains(body, want) {
					t.Errorf("%s: no %q", path, want)
				}
			}
			if strings.Contains(body, "notice error") {
				t.Errorf("%s: %s", path, noticeTextRE.FindString(body))
			}
		}
	}
	w := dashtest.Get(t, h, "/share?source=measured")
	if w.Code != http.StatusOK || strings.Contains(w.Body.String(), `id="share-source"`) || !strings.Contains(w.Body.String(), `<option value="measured" selected`) {
		t.Errorf("measured: %d, the switch not kept", w.Code)
	}
}

// TestSharePagePublishedBases: over published-history.csv the range holds
// three bases; the page shows one (the first, or the one chosen in the
// URL) and offers the others, never one series of several bases.
func TestSharePagePublishedBases(t *testing.T) {
	h := publishedSite(t, "pages_published_history", "published-history.csv")
	for _, tc := range []struct{ query, selected string }{
		{"", "active_accounts"},
		{"&basis=mobile_active_accounts", "mobile_active_accounts"},
		{"&basis=users&lang=zh-CN", "users"},
	} {
		path := "/share?from=2006-01&to=2011-01&granularity=quarter&source=published" + tc.query
		w := dashtest.Get(t, h, path)
		body := w.Body.String()
		if w.Code != http.StatusOK || strings.Contains(body, "notice error") {
			t.Fatalf("%s: %d %s", path, w.Code, noticeTextRE.FindString(body))
		}
		if !strings.Contains(body, `<option value="`+tc.selected+`" selected`) {
			t.Errorf("%s: basis %s not selected", path, tc.selected)
		}
		for _, b := range []string{"active_accounts", "mobile_active_accounts", "users"} {
			if !strings.Contains(body, `<option value="`+b+`"`) {
				t.Errorf("%s: basis %s not offered", path, b)
			}
		}
		if !strings.Contains(body, "basis "+tc.selected) && !strings.Contains(body, "统计口径 "+tc.selected) {
			t.Errorf("%s: the page does not say it shows basis %s", path, tc.selected)
		}
	}
}

// TestSharePageMeasuredWithPublished: over the demo market (measured, with
// the seed's figures published for 2010-Q3) the published figures are
// drawn as points over the measured lines.
func TestSharePageMeasuredWithPublished(t *testing.T) {
	h := dashtest.Server(t, nil)
	body := dashtest.Get(t, h, "/share?from=2010-07&to=2011-04&granularity=quarter").Body.String()
	if !strings.Contains(body, `"type":"scatter"`) || !strings.Contains(body, `id="published-table"`) || strings.Contains(body, `id="share-source"`) {
		t.Errorf("no published points over the measured lines, or the table of differences is gone")
	}
}

// TestReachWhatIfSource: the what-if form takes the source; asked of the
// published figures (the demo publishes the seed's 2010-Q3), the merger of
// two "< 1%" networks says where its shares come from and gives the ΔHHI
// range the bounds allow — in English and in Chinese.
func TestReachWhatIfSource(t *testing.T) {
	h := dashtest.Server(t, nil)
	for _, lang := range []string{"en", "zh-CN"} {
		path := "/reach?merge=popo,yahoo&source=published&lang=" + lang
		w := dashtest.Get(t, h, path)
		body := w.Body.String()
		if w.Code != http.StatusOK || strings.Contains(body, "notice error") {
			t.Fatalf("%s: %d %s", path, w.Code, noticeTextRE.FindString(body))
		}
		for _, want := range []string{`<option value="published" selected`, "Analysys International · users", "0.0 … 1.7", `id="merge-result"`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: no %q", path, want)
			}
		}
	}
}

// TestReachWhatIfWithoutPanel: with only the seed's published figures — no
// panel, so nothing of multi-homing to draw — the page still says what to
// load for that, and offers the merger what-if on the published shares:
// "what if ranks 2–5 united" has its answer, without the bridge part,
// which needs the panel.
func TestReachWhatIfWithoutPanel(t *testing.T) {
	h := publishedSite(t, "pages_published_reach", "im-share-q3.csv")
	for _, lang := range []string{"en", "zh-CN"} {
		path := "/reach?merge=wangwang,fetion,msn,skype&lang=" + lang
		w := dashtest.Get(t, h, path)
		body := w.Body.String()
		if w.Code != http.StatusOK || strings.Contains(body, "notice error") {
			t.Fatalf("%s: %d %s", path, w.Code, noticeTextRE.FindString(body))
		}
		for _, want := range []string{`class="empty`, `id="scenario"`, `name="merge" value="qq"`, `name="merge" value="msn" checked`, `id="merge-result"`, "Analysys International · users"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: no %q", path, want)
			}
		}
		if strings.Contains(body, `name="bridge"`) || strings.Contains(body, `name="bridges"`) {
			t.Errorf("%s: offers bridges without a panel", path)
		}
	}
	if body := dashtest.Get(t, h, "/reach").Body.String(); !strings.Contains(body, `id="scenario"`) || strings.Contains(body, `id="merge-result"`) {
		t.Errorf("/reach without a merger asked: the form, and no answer, expected")
	}
}

// TestOverviewPublishedBases: with only published figures of three bases,
// the Overview shows the first basis's leader and HHI rather than the
// API's refusal to mix them.
func TestOverviewPublishedBases(t *testing.T) {
	h := publishedSite(t, "pages_overview_history", "published-history.csv")
	w := dashtest.Get(t, h, "/")
	body := w.Body.String()
	if w.Code != http.StatusOK || strings.Contains(body, "notice error") {
		t.Fatalf("%d %s", w.Code, noticeTextRE.FindString(body))
	}
	for _, tile := range []string{`data-tile="hhi"`, `data-tile="leader"`} {
		if !strings.Contains(body, tile) {
			t.Errorf("no %s tile", tile)
		}
	}
}
