package dashboard

import (
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/analytics"
)

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
	h := server(t, nil)
	for _, pg := range pagePaths {
		t.Run(pg.path, func(t *testing.T) {
			w := get(t, h, pg.path)
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
	h := server(t, nil)
	for _, path := range []string{"/", "/share?from=2012-01&to=2012-07", "/share?from=2012-06&to=2012-07&networks=" + strings.Join([]string{"qq", "msn"}, ",")} {
		body := get(t, h, path).Body.String()
		for _, raw := range []string{"<script>alert(1)", "<img src=x", "</script><script>"} {
			if strings.Contains(body, raw) {
				t.Errorf("%s: raw %q in the page", path, raw)
			}
		}
		if path == "/share?from=2012-01&to=2012-07" {
			for _, n := range hostileNetworks {
				if !strings.Contains(body, html.EscapeString(n)) && !strings.Contains(body, escapedText(n)) {
					t.Errorf("%s: %q is not shown as text", path, n)
				}
			}
		}
	}
}

// escapedText is n as html/template escapes text (it writes &#34; for ", and
// &#39; for ').
func escapedText(n string) string {
	r := strings.NewReplacer(`&`, "&amp;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;", `'`, "&#39;")
	return r.Replace(n)
}

// TestPagesBadParameters: a bad filter is the reader's to fix: 400, the
// page still drawn with its filter bar, and a notice naming the
// parameter — never a 500.
func TestPagesBadParameters(t *testing.T) {
	h := server(t, nil)
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
		{"/reach?merge=qq", "merge"},
		{"/bridges?from=2012-06-30T00:00:00", "from"},
		{"/bridges?step=7s", "step"},
		{"/alerts?limit=0", "limit"},
		{"/?segment=%00", "segment"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			w := get(t, h, tc.path)
			if w.Code != http.StatusBadRequest {
				t.Fatalf("%d, want 400: %.300s", w.Code, noticeTextRE.FindString(w.Body.String()))
			}
			notice := noticeTextRE.FindStringSubmatch(w.Body.String())
			if notice == nil || !strings.HasPrefix(strings.TrimSpace(notice[1]), tc.param+": ") {
				t.Errorf("notice %q does not name %s", notice, tc.param)
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
	h := server(t, nil)
	for _, tc := range []struct{ in, want string }{
		{"/share?from=&to=&granularity=quarter&network=qq&network=msn", "/share?granularity=quarter&networks=msn%2Cqq"},
		{"/reach?merge=qq&merge=fetion&bridges=", "/reach?merge=fetion%2Cqq"},
		{"/share?from=2011-01&from=2012-01", "/share?from=2011-01"},
	} {
		w := get(t, h, tc.in)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != tc.want {
			t.Errorf("%s: %d → %q, want 303 → %q", tc.in, w.Code, w.Header().Get("Location"), tc.want)
		}
	}
	if w := get(t, h, "/share?granularity=quarter&networks=msn%2Cqq"); w.Code != http.StatusOK {
		t.Errorf("the canonical URL answers %d", w.Code)
	}
}

// TestPagesFilterChangesData: the filter is the question: another window
// and granularity give other periods, and the chosen networks fold the
// rest into "other".
func TestPagesFilterChangesData(t *testing.T) {
	h := server(t, nil)
	periods := func(path string) []string {
		body := get(t, h, path).Body.String()
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
	h := server(t, nil)
	zh := get(t, h, "/share?from=2012-01&to=2012-04", "Accept-Language", "zh-CN,zh;q=0.9,en;q=0.5")
	if b := zh.Body.String(); !strings.Contains(b, `<html lang="zh-CN"`) || !strings.Contains(b, "市场份额") || !strings.Contains(b, "腾讯QQ") {
		t.Errorf("Accept-Language zh-CN gave %.400s", b)
	}
	en := get(t, h, "/share?from=2012-01&to=2012-04&lang=en", "Accept-Language", "zh-CN")
	if b := en.Body.String(); !strings.Contains(b, `<html lang="en"`) || !strings.Contains(b, "Tencent QQ") {
		t.Errorf("lang=en gave %.300s", b)
	}
	var cookie *http.Cookie
	for _, c := range en.Result().Cookies() {
		if c.Name == cookieLang {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value != langEN {
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
	h := server(t, nil)
	for _, tc := range []struct{ q, want string }{{"dark", "dark"}, {"light", "light"}, {"purple", "auto"}, {"", "auto"}} {
		w := get(t, h, "/alerts?theme="+tc.q)
		if tc.q == "" {
			w = get(t, h, "/alerts")
		}
		if !strings.Contains(w.Body.String(), `data-theme="`+tc.want+`"`) {
			t.Errorf("theme=%s: want data-theme %q", tc.q, tc.want)
		}
	}
}

// TestSecurityHeaders: pages forbid framing and other scripts; the embed
// mode allows the listed origins to frame them and drops the chrome.
func TestSecurityHeaders(t *testing.T) {
	w := get(t, server(t, nil), "/alerts")
	csp := w.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self' 'nonce-", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-eval") || strings.Contains(csp, "script-src 'self' 'unsafe-inline'") {
		t.Errorf("CSP allows unsafe scripts: %q", csp)
	}
	for k, v := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"} {
		if w.Header().Get(k) != v {
			t.Errorf("%s: %q, want %q", k, w.Header().Get(k), v)
		}
	}
	if a, b := cspNonceRE.FindStringSubmatch(csp), cspNonceRE.FindStringSubmatch(get(t, server(t, nil), "/alerts").Header().Get("Content-Security-Policy")); a == nil || b == nil || a[1] == b[1] {
		t.Errorf("nonces are not fresh per response: %v %v", a, b)
	}
	embed := server(t, func(o *Options) { o.FrameAncestors = []string{"https://wiki.example.org"} })
	w = get(t, embed, "/share?embed=1")
	if !strings.Contains(w.Header().Get("Content-Security-Policy"), "frame-ancestors https://wiki.example.org") || w.Header().Get("X-Frame-Options") != "" {
		t.Errorf("embed mode headers: %v", w.Header())
	}
	if !strings.Contains(w.Body.String(), `<body class="embed">`) {
		t.Error("embed=1 keeps the chrome")
	}
	if api := get(t, server(t, nil), "/api/v1/networks"); api.Header().Get("Content-Security-Policy") != "default-src 'none'; frame-ancestors 'none'" {
		t.Errorf("API CSP %q", api.Header().Get("Content-Security-Policy"))
	}
}

// TestDataLinks: every data link of a page answers, and its CSV holds the
// numbers of its JSON.
func TestDataLinks(t *testing.T) {
	h := server(t, nil)
	for _, pg := range pagePaths {
		body := get(t, h, pg.path).Body.String()
		for _, m := range dataLinkRE.FindAllStringSubmatch(body, -1) {
			link := html.UnescapeString(m[1])
			if !strings.HasPrefix(link, "/api/v1/") {
				t.Errorf("%s: data link %q is not the API", pg.path, link)
				continue
			}
			if w := get(t, h, link); w.Code != http.StatusOK {
				t.Errorf("%s: %s answers %d: %.200s", pg.path, link, w.Code, w.Body)
			}
		}
	}
	// The share page's CSV equals its JSON, number for number.
	body := get(t, h, "/share?from=2012-01&to=2012-04").Body.String()
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
	_, d := decode(t, get(t, h, jsonURL))
	want := map[string]string{}
	for _, p := range objs(t, d, "periods") {
		for _, s := range objs(t, p, "shares") {
			want[p["period"].(string)+" "+s["network"].(string)] = formatFloat(s["share"].(float64))
		}
	}
	rows := getCSV(t, h, csvURL)
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

// TestCatalogs: both languages have every text, and every key the code
// and templates name exists (a typo would show the key itself).
func TestCatalogs(t *testing.T) {
	for k := range catalogs[langEN] {
		if _, ok := catalogs[langZH][k]; !ok {
			t.Errorf("zh-CN lacks %q", k)
		}
	}
	for k := range catalogs[langZH] {
		if _, ok := catalogs[langEN][k]; !ok {
			t.Errorf("zh-CN has %q, English does not", k)
		}
	}
	used := map[string]bool{}
	literal := regexp.MustCompile(`(?:\bT\(|\.T |emptyOf \$ |p\.meta\("[^"]+", |p\.emptyCard\(\d+, )"([a-z][a-z0-9_]*\.[a-z0-9_ .]*[a-z0-9])"(?: "([a-z][a-z0-9_]*\.[a-z0-9_.]+)")?`)
	files, _ := filepath.Glob("*.go")
	tmpls, _ := filepath.Glob("templates/*.html")
	pages, _ := filepath.Glob("templates/pages/*.html")
	for _, f := range append(append(files, tmpls...), pages...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
			if m[2] != "" {
				used[m[2]] = true
			}
		}
	}
	if len(used) < 100 {
		t.Fatalf("found only %d keys in the sources: the pattern is broken", len(used))
	}
	for _, m := range imscope.Metrics {
		used["metric."+m.Name] = true
	}
	for _, g := range granularities {
		used["granularity."+string(g)] = true
	}
	for _, def := range (&Dashboard{}).pageDefs() {
		used["nav."+def.name], used["page."+def.name+".title"], used["page."+def.name+".lede"] = true, true, true
	}
	for _, b := range []analytics.Band{analytics.Unconcentrated, analytics.ModeratelyConcentrated, analytics.HighlyConcentrated, analytics.NotHighlyConcentrated} {
		used["band."+string(b)] = true
	}
	for _, k := range []string{"status.ok", "status.partial", "status.error", "theme.auto", "theme.light", "theme.dark", "health.good", "health.warn", "health.bad",
		"reach.scenario_none", "reach.scenario_active", "reach.scenario_hypothetical", "lang.self"} {
		used[k] = true
	}
	for k := range used {
		if _, ok := catalogs[langEN][k]; !ok {
			t.Errorf("key %q is used but not in the catalog", k)
		}
	}
}

// TestPageCache: an anonymous viewer's page is drawn once per question and
// served from the cache after, each response with its own nonce in the
// header and in the page; a signed-in admin's page (it carries their CSRF
// token) is never shared.
func TestPageCache(t *testing.T) {
	h := server(t, nil)
	var bodies []string
	for range 2 {
		w := get(t, h, "/share?from=2012-01&to=2012-04")
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
	if zh := get(t, h, "/share?from=2012-01&to=2012-04&lang=zh-CN").Body.String(); !strings.Contains(zh, `lang="zh-CN"`) {
		t.Error("the language is not part of the key")
	}
	a, _ := adminServer(t, false)
	_, cookies := signIn(t, a, testPassword)
	first := csrfFieldRE.FindStringSubmatch(getWith(t, a, "/share", cookies).Body.String())
	_, other := signIn(t, a, testPassword)
	second := csrfFieldRE.FindStringSubmatch(getWith(t, a, "/share", other).Body.String())
	if first == nil || second == nil || first[1] == second[1] {
		t.Errorf("two sessions see the same CSRF token: %v %v", first, second)
	}
}
