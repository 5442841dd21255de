package pages_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/imscope/imscope/dashboard/internal/dashtest"
	"github.com/imscope/imscope/dashboard/pages"
)

func TestMain(m *testing.M) { dashtest.Main(m) }

// pagePaths is every page, with the chart ids each must draw on the demo
// fixture (the Bridges page's "last 24 hours" is the end of the history,
// the server's clock being pinned there).
var pagePaths = []struct {
	path   string
	charts []string
}{
	{"/", []string{"overview-trend"}},
	{"/share", []string{"share-trend", "share-latest", "concentration"}},
	{"/share?from=2010-07&to=2011-04&granularity=quarter", []string{"share-trend", "published"}},
	{"/migration", []string{"sankey", "transitions", "netflow", "forecast"}},
	{"/reach", []string{"per-user", "network-users", "overlap", "reachability"}},
	{"/bridges", []string{"bridge-graph", "route-rate", "route-failures", "route-p95"}},
	{"/collectors", nil},
	{"/alerts", nil},
	{"/reports", nil},
	{"/events", nil},
	{"/login", nil},
}

var (
	chartDivRE   = regexp.MustCompile(`<div class="chart" id="([^"]+)" data-chart="([^"]+)"`)
	jsonBlockRE  = regexp.MustCompile(`(?s)<script type="application/json" id="([^"]+)" nonce="([^"]+)">(.*?)</script>`)
	scriptSrcRE  = regexp.MustCompile(`<script src="([^"]+)" nonce="([^"]+)"`)
	anyScriptRE  = regexp.MustCompile(`<script[^>]*>`)
	cspNonceRE   = regexp.MustCompile(`script-src 'self' 'nonce-([^']+)'`)
	dataLinkRE   = regexp.MustCompile(`<a href="([^"]+)" data-link>`)
	noticeTextRE = regexp.MustCompile(`(?s)<div class="notice error" role="alert">(.*?)</div>`)
)

// TestPagesRender: every page answers 200 with the layout, draws its
// charts from valid JSON blocks carrying the response's CSP nonce, and
// runs no script that is not ours.
func TestPagesRender(t *testing.T) {
	h := dashtest.Server(t, nil)
	for _, pg := range pagePaths {
		t.Run(pg.path, func(t *testing.T) {
			w := dashtest.Get(t, h, pg.path)
			if w.Code != http.StatusOK {
				t.Fatalf("%d: %.500s", w.Code, w.Body)
			}
			body := w.Body.String()
			if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("content type %q", ct)
			}
			m := cspNonceRE.FindStringSubmatch(w.Header().Get("Content-Security-Policy"))
			if m == nil {
				t.Fatalf("CSP %q", w.Header().Get("Content-Security-Policy"))
			}
			nonce := m[1]
			for _, s := range scriptSrcRE.FindAllStringSubmatch(body, -1) {
				if !strings.HasPrefix(s[1], "/static/") || s[2] != nonce {
					t.Errorf("script %q nonce %q (want /static/ and %q)", s[1], s[2], nonce)
				}
			}
			blocks := map[string]bool{}
			for _, b := range jsonBlockRE.FindAllStringSubmatch(body, -1) {
				if b[2] != nonce {
					t.Errorf("block %s has nonce %q", b[1], b[2])
				}
				var opt map[string]any
				if err := json.Unmarshal([]byte(b[3]), &opt); err != nil {
					t.Errorf("block %s is not JSON: %v", b[1], err)
				}
				if _, ok := opt["series"]; !ok {
					t.Errorf("block %s has no series", b[1])
				}
				blocks[b[1]] = true
			}
			for _, s := range anyScriptRE.FindAllString(body, -1) {
				if !strings.Contains(s, `src="/static/`) && !strings.Contains(s, `type="application/json"`) {
					t.Errorf("a script that is neither ours nor data: %s", s)
				}
			}
			drawn := map[string]bool{}
			for _, c := range chartDivRE.FindAllStringSubmatch(body, -1) {
				drawn[c[1]] = true
				if !blocks[c[2]] {
					t.Errorf("chart %s has no option block %s", c[1], c[2])
				}
			}
			for _, id := range pg.charts {
				if !drawn[id] {
					t.Errorf("no chart %s; charts %v", id, drawn)
				}
			}
			if strings.Contains(body, "notice error") {
				t.Errorf("an error notice: %s", noticeTextRE.FindString(body))
			}
		})
	}
}

// TestPagesHostileLabels: the hostile network ids appear as text — never
// as markup in the HTML, never unescaped inside a JSON block.
func TestPagesHostileLabels(t *testing.T) {
	h := dashtest.Server(t, nil)
	for _, path := range []string{"/", "/share?from=2012-01&to=2012-07", "/share?from=2012-06&to=2012-07&networks=" + strings.Join([]string{"qq", "msn"}, ",")} {
		body := dashtest.Get(t, h, path).Body.String()
		for _, raw := range []string{"<script>alert(1)", "<img src=x", "</script><script>"} {
			if strings.Contains(body, raw) {
				t.Errorf("%s: raw %q in the page", path, raw)
			}
		}
		if path == "/share?from=2012-01&to=2012-07" {
			for _, n := range dashtest.HostileNetworks {
				if !strings.Contains(body, html.EscapeString(n)) && !strings.Contains(body, dashtest.EscapedText(n)) {
					t.Errorf("%s: %q is not shown as text", path, n)
				}
			}
		}
	}
}

// TestPagesBadParameters: a bad filter is the reader's to fix: 400, the
// page still drawn with its filter bar, and a notice naming the
// parameter — never a 500.
func TestPagesBadParameters(t *testing.T) {
	h := dashtest.Server(t, nil)
	for _, tc := range []struct{ path, param string }{
		{"/share?from=yesterday", "from"},
		{"/share?from=2012-06&to=2012-01", "to"},
		{"/share?granularity=fortnight", "granularity"},
		{"/share?metric=nope", "metric"},
		{"/share?top=-1", "top"},
		{"/migration?from_period=1999-01-01", "from_period"},
		{"/migration?min_count=x", "min_count"},
		{"/reach?period=2012-02-01", "period"},
		{"/reach?bridges=qq", "bridges"},
		{"/reach?bridges=QQ-MSN", "bridges"},
		{"/reach?bridges=qq-icq", "bridges"},
		{"/reach?merge=qq", "merge"},
		{"/bridges?from=2012-06-30T00:00:00", "from"},
		{"/bridges?step=7s", "step"},
		{"/alerts?limit=0", "limit"},
		{"/?segment=%00", "segment"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			w := dashtest.Get(t, h, tc.path)
			if w.Code != http.StatusBadRequest {
				t.Fatalf("%d, want 400: %.300s", w.Code, noticeTextRE.FindString(w.Body.String()))
			}
			notice := noticeTextRE.FindStringSubmatch(w.Body.String())
			if notice == nil || !strings.HasPrefix(strings.TrimSpace(notice[1]), tc.param+": ") {
				t.Fatalf("notice %q does not name %s", notice, tc.param)
			}
			if msg := html.UnescapeString(notice[1]); strings.Contains(tc.path, "-") && strings.HasPrefix(tc.path, "/reach?bridges=") &&
				(!strings.Contains(msg, `"msn"`) || !strings.Contains(msg, `"fetion"`)) {
				t.Errorf("notice %q does not list the valid ids", msg)
			}
			if !strings.Contains(w.Body.String(), `<form class="filters"`) && tc.path != "/?segment=%00" {
				t.Error("no filter bar to correct it in")
			}
		})
	}
}

// TestPagesCanonicalURL: a submitted form (empty fields, one checkbox per
// network) is redirected to its clean, shareable URL.
func TestPagesCanonicalURL(t *testing.T) {
	h := dashtest.Server(t, nil)
	for _, tc := range []struct{ in, want string }{
		{"/share?from=&to=&granularity=quarter&network=qq&network=msn", "/share?granularity=quarter&networks=msn%2Cqq"},
		{"/reach?merge=qq&merge=fetion&bridges=", "/reach?merge=fetion%2Cqq"},
		{"/reach?bridge=qq&bridge=msn&bridge=fetion&bridges=", "/reach?bridges=fetion-msn%2Cfetion-qq%2Cmsn-qq"},
		{"/reach?bridge=qq&bridge=msn&bridges=popo-qq", "/reach?bridges=popo-qq%2Cmsn-qq"},
		{"/share?from=2011-01&from=2012-01", "/share?from=2011-01"},
	} {
		w := dashtest.Get(t, h, tc.in)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != tc.want {
			t.Errorf("%s: %d → %q, want 303 → %q", tc.in, w.Code, w.Header().Get("Location"), tc.want)
		}
	}
	if w := dashtest.Get(t, h, "/share?granularity=quarter&networks=msn%2Cqq"); w.Code != http.StatusOK {
		t.Errorf("the canonical URL answers %d", w.Code)
	}
}

// TestPagesFilterChangesData: the filter is the question: another window
// and granularity give other periods, and the chosen networks fold the
// rest into "other".
func TestPagesFilterChangesData(t *testing.T) {
	h := dashtest.Server(t, nil)
	periods := func(path string) []string {
		body := dashtest.Get(t, h, path).Body.String()
		for _, b := range jsonBlockRE.FindAllStringSubmatch(body, -1) {
			if b[1] == "share-trend-option" {
				var opt struct {
					XAxis []struct {
						Data []string `json:"data"`
					} `json:"xAxis"`
					Series []struct {
						Name string `json:"name"`
					} `json:"series"`
				}
				if err := json.Unmarshal([]byte(b[3]), &opt); err != nil {
					t.Fatal(err)
				}
				out := opt.XAxis[0].Data
				for _, s := range opt.Series {
					out = append(out, "series:"+s.Name)
				}
				return out
			}
		}
		t.Fatalf("%s: no share-trend chart", path)
		return nil
	}
	q := periods("/share?from=2011-01&to=2012-01&granularity=quarter")
	if strings.Join(q[:4], " ") != "2011-Q1 2011-Q2 2011-Q3 2011-Q4" {
		t.Errorf("quarters %v", q)
	}
	m := periods("/share?from=2012-01&to=2012-04")
	if strings.Join(m[:3], " ") != "2012-01 2012-02 2012-03" {
		t.Errorf("months %v", m)
	}
	sel := strings.Join(periods("/share?from=2012-01&to=2012-04&networks=msn,qq"), " ")
	if !strings.Contains(sel, "series:Tencent QQ") || !strings.Contains(sel, "series:MSN Messenger") || !strings.Contains(sel, "series:Other") || strings.Contains(sel, "series:fetion") {
		t.Errorf("selection msn,qq: %s", sel)
	}
}

// TestPagesLanguage: Accept-Language picks Chinese, ?lang= overrides it
// and is remembered in a cookie; network names come from the catalog.
func TestPagesLanguage(t *testing.T) {
	h := dashtest.Server(t, nil)
	zh := dashtest.Get(t, h, "/share?from=2012-01&to=2012-04", "Accept-Language", "zh-CN,zh;q=0.9,en;q=0.5")
	if b := zh.Body.String(); !strings.Contains(b, `<html lang="zh-CN"`) || !strings.Contains(b, "市场份额") || !strings.Contains(b, "腾讯QQ") {
		t.Errorf("Accept-Language zh-CN gave %.400s", b)
	}
	en := dashtest.Get(t, h, "/share?from=2012-01&to=2012-04&lang=en", "Accept-Language", "zh-CN")
	if b := en.Body.String(); !strings.Contains(b, `<html lang="en"`) || !strings.Contains(b, "Tencent QQ") {
		t.Errorf("lang=en gave %.300s", b)
	}
	var cookie *http.Cookie
	for _, c := range en.Result().Cookies() {
		if c.Name == pages.CookieLang {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value != pages.LangEN {
		t.Fatalf("no language cookie: %v", en.Result().Cookies())
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Accept-Language", "zh-CN")
	req.AddCookie(cookie)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if !strings.Contains(w.Body.String(), `<html lang="en"`) {
		t.Error("the cookie does not keep the choice")
	}
}

// TestPagesTheme: ?theme= sets the page's theme and the cookie; a bad
// value falls back to auto.
func TestPagesTheme(t *testing.T) {
	h := dashtest.Server(t, nil)
	for _, tc := range []struct{ q, want string }{{"dark", "dark"}, {"light", "light"}, {"purple", "auto"}, {"", "auto"}} {
		w := dashtest.Get(t, h, "/alerts?theme="+tc.q)
		if tc.q == "" {
			w = dashtest.Get(t, h, "/alerts")
		}
		if !strings.Contains(w.Body.String(), `data-theme="`+tc.want+`"`) {
			t.Errorf("theme=%s: want data-theme %q", tc.q, tc.want)
		}
	}
}

// TestDataLinks: every data link of a page answers, and its CSV holds the
// numbers of its JSON.
func TestDataLinks(t *testing.T) {
	h := dashtest.Server(t, nil)
	for _, pg := range pagePaths {
		body := dashtest.Get(t, h, pg.path).Body.String()
		for _, m := range dataLinkRE.FindAllStringSubmatch(body, -1) {
			link := html.UnescapeString(m[1])
			if !strings.HasPrefix(link, "/api/v1/") {
				t.Errorf("%s: data link %q is not the API", pg.path, link)
				continue
			}
			if w := dashtest.Get(t, h, link); w.Code != http.StatusOK {
				t.Errorf("%s: %s answers %d: %.200s", pg.path, link, w.Code, w.Body)
			}
		}
	}
	// The share page's CSV equals its JSON, number for number.
	body := dashtest.Get(t, h, "/share?from=2012-01&to=2012-04").Body.String()
	var jsonURL, csvURL string
	for _, m := range dataLinkRE.FindAllStringSubmatch(body, -1) {
		link := html.UnescapeString(m[1])
		switch {
		case strings.HasPrefix(link, "/api/v1/share?") && !strings.Contains(link, "format=csv") && jsonURL == "":
			jsonURL = link
		case strings.HasPrefix(link, "/api/v1/share?") && strings.Contains(link, "table=shares") && csvURL == "":
			csvURL = link
		}
	}
	if jsonURL == "" || csvURL == "" {
		t.Fatalf("share data links: %q %q", jsonURL, csvURL)
	}
	_, d := dashtest.Decode(t, dashtest.Get(t, h, jsonURL))
	want := map[string]string{}
	for _, p := range dashtest.Objs(t, d, "periods") {
		for _, s := range dashtest.Objs(t, p, "shares") {
			want[p["period"].(string)+" "+s["network"].(string)] = strconv.FormatFloat(s["share"].(float64), 'f', -1, 64)
		}
	}
	rows := dashtest.GetCSV(t, h, csvURL)
	if len(rows) != len(want) || len(rows) == 0 {
		t.Fatalf("%d CSV rows, %d JSON shares", len(rows), len(want))
	}
	for _, r := range rows {
		net := strings.TrimPrefix(r["network"], "'")
		if got := want[r["period"]+" "+net]; got != r["share"] {
			t.Errorf("%s %s: CSV share %s, JSON %s", r["period"], net, r["share"], got)
		}
	}
}

// TestPageCache: an anonymous viewer's page is drawn once per question and
// served from the cache after, each response with its own nonce in the
// header and in the page; a signed-in admin's page (it carries their CSRF
// token) is never shared.
func TestPageCache(t *testing.T) {
	h := dashtest.Server(t, nil)
	var bodies []string
	for range 2 {
		w := dashtest.Get(t, h, "/share?from=2012-01&to=2012-04")
		nonce := cspNonceRE.FindStringSubmatch(w.Header().Get("Content-Security-Policy"))[1]
		body := w.Body.String()
		if strings.Count(body, `nonce="`+nonce+`"`) < 3 || strings.Contains(body, "imscope-nonce") {
			t.Fatalf("the page does not carry its response's nonce %s", nonce)
		}
		bodies = append(bodies, strings.ReplaceAll(body, nonce, "N"))
	}
	if bodies[0] != bodies[1] {
		t.Error("the cached page differs from the first")
	}
	if zh := dashtest.Get(t, h, "/share?from=2012-01&to=2012-04&lang=zh-CN").Body.String(); !strings.Contains(zh, `lang="zh-CN"`) {
		t.Error("the language is not part of the key")
	}
	a, _ := dashtest.AdminServer(t, false)
	_, cookies := dashtest.SignIn(t, a, dashtest.TestPassword)
	first := dashtest.CSRFFieldRE.FindStringSubmatch(dashtest.GetWith(t, a, "/share", cookies).Body.String())
	_, other := dashtest.SignIn(t, a, dashtest.TestPassword)
	second := dashtest.CSRFFieldRE.FindStringSubmatch(dashtest.GetWith(t, a, "/share", other).Body.String())
	if first == nil || second == nil || first[1] == second[1] {
		t.Errorf("two sessions see the same CSRF token: %v %v", first, second)
	}
}

// TestMigrationSmallPanel: when every flow is under the privacy threshold
// the Sankey's card says so (not an empty box), and the net-gain axis
// keeps to whole users.
func TestMigrationSmallPanel(t *testing.T) {
	h := dashtest.Server(t, nil)
	w := dashtest.Get(t, h, "/migration?min_count=1000000")
	if w.Code != http.StatusOK {
		t.Fatalf("%d: %.300s", w.Code, noticeTextRE.FindString(w.Body.String()))
	}
	body := w.Body.String()
	card := regexp.MustCompile(`(?s)<figure class="card span-12" id="sankey-card">(.*?)</figure>`).FindStringSubmatch(body)
	if card == nil || !strings.Contains(card[1], "data-empty") || !strings.Contains(card[1], "1000000") {
		t.Errorf("the Sankey's card with every flow hidden: %q", card)
	}
	for _, b := range jsonBlockRE.FindAllStringSubmatch(body, -1) {
		if b[1] != "netflow-option" {
			continue
		}
		var opt struct {
			XAxis []map[string]any `json:"xAxis"`
		}
		if err := json.Unmarshal([]byte(html.UnescapeString(b[3])), &opt); err != nil || len(opt.XAxis) == 0 || opt.XAxis[0]["minInterval"] != 1.0 {
			t.Errorf("the net-gain axis is not whole users: %v %v", opt.XAxis, err)
		}
	}
}
