package pages_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/importjob"
	"github.com/imscope/imscope/dashboard"
	"github.com/imscope/imscope/dashboard/internal/dashtest"
	"github.com/imscope/imscope/dashboard/pages"
)

var (
	navRE        = regexp.MustCompile(`(?s)<nav class="nav".*?</nav>`)
	yamlRE       = regexp.MustCompile(`(?s)<pre class="config" id="catalog-yaml">(.*?)</pre>`)
	dataCSRFRE   = regexp.MustCompile(`<form id="import-form"[^>]* data-csrf="([^"]+)"`)
	unknownRowRE = regexp.MustCompile(`<tr data-unknown-network="([^"]*)">`)
	preRE        = regexp.MustCompile(`(?is)<pre\b.*?</pre>`)
)

// TestDataPageIsTheAdmins: a viewer asking for /data is sent to sign in
// and back (as every admin GET is), and the header links the page for the
// admin only; the admin gets it, by session or by token.
func TestDataPageIsTheAdmins(t *testing.T) {
	h, _ := dashtest.AdminServer(t, false)
	w := dashtest.Get(t, h, "/data")
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login?next=%2Fdata" {
		t.Fatalf("a viewer: %d → %q, want 303 → /login?next=%%2Fdata", w.Code, w.Header().Get("Location"))
	}
	navLinksData := func(page string) bool { return strings.Contains(navRE.FindString(page), `href="/data"`) }
	if navLinksData(dashtest.Get(t, h, "/collectors").Body.String()) {
		t.Error("the header links the Data page for a viewer")
	}
	_, cookies := dashtest.SignIn(t, h, dashtest.TestPassword)
	w = dashtest.GetWith(t, h, "/data", cookies)
	if w.Code != http.StatusOK {
		t.Fatalf("the admin: %d %.300s", w.Code, w.Body)
	}
	if !navLinksData(dashtest.GetWith(t, h, "/collectors", cookies).Body.String()) {
		t.Error("the header does not link the Data page for the admin")
	}
	if !strings.Contains(w.Body.String(), `<a href="/data" aria-current="page">`) {
		t.Error("the Data page is not marked current in its header")
	}
	if w := dashtest.Get(t, h, "/data", "Authorization", "Bearer "+dashtest.TestToken); w.Code != http.StatusOK {
		t.Errorf("with the admin's token: %d", w.Code)
	}
	if w := dashtest.Get(t, h, "/data", "Authorization", "Bearer wrong-token"); w.Code == http.StatusOK {
		t.Errorf("with a wrong token: %d", w.Code)
	}
}

// TestDataPage: the upload form carries the session's CSRF token and what
// the import API takes; the collectors' runs and the catalog are listed;
// the ids the data names outside the catalog are listed as text, and only
// those the config would accept are offered as YAML.
func TestDataPage(t *testing.T) {
	h, _ := dashtest.AdminServer(t, false)
	_, cookies := dashtest.SignIn(t, h, dashtest.TestPassword)
	w := dashtest.GetWith(t, h, "/data?lang=en", cookies)
	if w.Code != http.StatusOK {
		t.Fatalf("%d: %.300s", w.Code, w.Body)
	}
	body := w.Body.String()
	csrf := dashtest.CSRFFieldRE.FindStringSubmatch(body) // the sign-out form's: the session's token
	form := dataCSRFRE.FindStringSubmatch(body)
	if csrf == nil || form == nil || form[1] != csrf[1] {
		t.Errorf("the upload form's CSRF token %v is not the session's %v", form, csrf)
	}
	nonce := cspNonceRE.FindStringSubmatch(w.Header().Get("Content-Security-Policy"))
	if nonce == nil || !regexp.MustCompile(`<script src="/static/data\.js\?v=[0-9a-f]+" nonce="`+nonce[1]+`" defer>`).MatchString(body) {
		t.Error("the page does not load its script with the response's nonce")
	}
	if js := dashtest.Get(t, h, "/static/data.js"); js.Code != http.StatusOK || !strings.Contains(js.Body.String(), "XMLHttpRequest") {
		t.Errorf("/static/data.js: %d", js.Code)
	}
	for _, want := range []string{
		`action="/api/v1/imports"`, `<option value="reports"`, `<option value="panel"`, `<option value="usage"`,
		`<option value="utf-8">UTF-8</option>`, `<option value="gbk">GBK</option>`, `<option value="gb18030">GB18030</option>`,
		`id="import-strict" value="true"`, "load nothing if any row is bad", `<input type="file" id="import-file"`,
		"Uploading a file needs JavaScript", `data-text="data.js.sending"`,
		`<tr data-collector="demo-history">`, `<tr data-collector="prosody">`, // the collectors' latest runs
		`<tr data-network="qq">`, "Tencent QQ", "腾讯QQ", `<tr data-network="msn">`, // the catalog
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	var unknown []string
	for _, m := range unknownRowRE.FindAllStringSubmatch(body, -1) {
		unknown = append(unknown, html.UnescapeString(m[1]))
	}
	for _, id := range append([]string{"fetion", "wangwang"}, dashtest.HostileNetworks...) {
		if !slices.Contains(unknown, id) {
			t.Errorf("%q is not among the networks outside the catalog %q", id, unknown)
		}
	}
	if slices.Contains(unknown, "qq") {
		t.Error("qq, in the catalog, is listed outside it")
	}
	for _, raw := range []string{"<script>alert(1)", "<img src=x"} {
		if strings.Contains(body, raw) {
			t.Errorf("raw %q in the page", raw)
		}
	}
	m := yamlRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no YAML for the networks outside the catalog")
	}
	yaml := html.UnescapeString(m[1])
	if !strings.Contains(yaml, `  - {id: "fetion", name: {en: "fetion"}}`) || !strings.Contains(yaml, `  - {id: "wangwang", name: {en: "wangwang"}}`) {
		t.Errorf("YAML %q lacks fetion or wangwang", yaml)
	}
	for _, n := range dashtest.HostileNetworks {
		if strings.Contains(yaml, n) {
			t.Errorf("YAML offers %q, which the config refuses as an id", n)
		}
	}
	if strings.Contains(yaml, `"qq"`) {
		t.Error("YAML adds qq, which the catalog has")
	}
}

// TestDataPageChinese: in Chinese the page has every text of its own
// (the script's too) in Chinese: no key shows as itself, and no Latin
// word is left outside data, abbreviations, names and the config's YAML
// (the words of TestChinesePagesHaveNoEnglish, plus the encodings' and
// JavaScript's names and the binary units of the upload cap).
func TestDataPageChinese(t *testing.T) {
	h := importsServer(t, "pages_data_zh")
	importFile(t, h, "kind=usage&file=shares.csv", hostileUpload)
	_, cookies := dashtest.SignIn(t, h, dashtest.TestPassword)
	w := dashtest.GetWith(t, h, "/data?lang=zh-CN", cookies)
	if w.Code != http.StatusOK {
		t.Fatalf("%d: %.300s", w.Code, w.Body)
	}
	body := w.Body.String()
	if strings.Contains(body, ">data.") || strings.Contains(body, `"data.js.`+`sending">data`) {
		t.Error("a key shows as itself")
	}
	allowed := map[string]bool{"UTF": true, "GBK": true, "GB": true, "JavaScript": true, "KiB": true, "MiB": true, "GiB": true, "TiB": true}
	words := append(dataWords(t, h), dashtest.TestAdmin, "shares.csv") // the sign-out button's title, the file's name
	texts := []string{html.UnescapeString(tagRE.ReplaceAllString(preRE.ReplaceAllString(dropRE.ReplaceAllString(body, " "), " "), " "))}
	for _, m := range attrRE.FindAllStringSubmatch(body, -1) {
		texts = append(texts, html.UnescapeString(m[1]))
	}
	// The kinds' hints are shown by the script from an attribute.
	for _, m := range regexp.MustCompile(`data-(?:hint|copied)="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		texts = append(texts, html.UnescapeString(m[1]))
	}
	var found []string
	for _, text := range texts {
		text = codeRE.ReplaceAllString(text, " ")
		for _, d := range words {
			text = strings.ReplaceAll(text, d, " ")
		}
		for _, loc := range wordRE.FindAllStringIndex(text, -1) {
			word := text[loc[0]:loc[1]]
			if !englishAllowed[word] && !allowed[word] && !slices.Contains(found, word) {
				found = append(found, word)
				t.Logf("%q in …%s…", word, strings.Join(strings.Fields(text[max(0, loc[0]-60):min(len(text), loc[1]+40)]), " "))
			}
		}
	}
	if len(found) > 0 {
		t.Errorf("English left on the Chinese Data page: %q", found)
	}
}

// importsServer is an admin dashboard that takes imports through a real
// job manager, runner and writer into database db, which it also reads.
// Its answers are not cached: what invalidates them when a batch lands is
// the serve command's wiring, not this test's.
func importsServer(t *testing.T, db string) http.Handler {
	t.Helper()
	e := dashtest.EmptyEngine(t, db)
	runner := collector.NewRunner(e, collector.NewWriter(e, collector.WriterOptions{}), nil, nil)
	m, err := importjob.New(importjob.Options{Dir: t.TempDir(), Runner: runner})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); m.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	h, _ := dashtest.AdminServer(t, false, func(o *dashboard.Options) { o.Imports, o.Engine, o.CacheTTL = m, e, -1 })
	return h
}

// importFile sends body as the admin (with the token) and waits for the
// job to finish; it returns the job as the API answers it.
func importFile(t *testing.T, h http.Handler, query, body string) map[string]any {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/api/v1/imports?"+query, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+dashtest.TestToken)
	req.Header.Set("Content-Type", "text/csv")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusAccepted {
		t.Fatalf("POST /api/v1/imports: %d %s", w.Code, w.Body)
	}
	var started struct{ Data struct{ ID string } }
	if err := json.Unmarshal(w.Body.Bytes(), &started); err != nil || started.Data.ID == "" {
		t.Fatalf("accepted %s (%v)", w.Body, err)
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		_, d := dashtest.Decode(t, dashtest.Get(t, h, "/api/v1/imports/"+started.Data.ID, "Authorization", "Bearer "+dashtest.TestToken))
		if d["state"] == "done" || d["state"] == "failed" {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("the import did not finish: %v", d)
		}
	}
}

// hostileFile tries to break out of the page's markup as an upload's name
// (a name may hold anything but slashes and control characters).
const hostileFile = `"><img src=x onerror=alert(1)>.csv`

// hostileUpload has a good row, a bad one whose cell is markup, and one
// naming a network outside the catalog whose id is markup.
const hostileUpload = "ts,network,metric,value,segment\n" +
	"2011-01-31,qq,active_users_30d,640000000,\n" +
	"2011-01-31,msn,active_users_30d,<img src=x onerror=alert(1)>,\n" +
	"2011-01-31,\"</script><script>alert(1)</script>\",active_users_30d,1000,\n"

// TestDataPageImports: with a server that takes imports, the page lists
// them as the API does — a hostile file name and a hostile cell in its
// problems stay text — with the link to the rejected rows the API gives;
// the import's run and the ids it brought outside the catalog are listed
// too.
func TestDataPageImports(t *testing.T) {
	h := importsServer(t, "pages_data_imports")
	_, cookies := dashtest.SignIn(t, h, dashtest.TestPassword)
	if body := dashtest.GetWith(t, h, "/data?lang=en", cookies).Body.String(); !strings.Contains(body, "No imports yet") || !strings.Contains(body, `data-max-bytes="4294967296" data-max-text="4 GiB"`) {
		t.Error("before any import the page does not say there is none, or not the cap")
	}
	job := importFile(t, h, "kind=usage&file="+url.QueryEscape(hostileFile), hostileUpload)
	link, _ := job["rejected_csv"].(string)
	if link == "" {
		t.Fatalf("the API links no rejected rows: %v", job)
	}
	body := dashtest.GetWith(t, h, "/data?lang=en", cookies).Body.String()
	for _, want := range []string{
		`<tr data-import="` + job["id"].(string) + `">`, `<strong data-file>` + dashtest.EscapedText(hostileFile) + `</strong>`,
		`<a href="` + link + `" data-rejected>`, `badge warn">partial`, "Usage · UTF-8", "Files up to 4 GiB.",
		`<tr data-collector="import">`, `<tr data-unknown-network="` + html.EscapeString(`</script><script>alert(1)</script>`) + `">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, raw := range []string{"<script>alert(1)", "<img src=x"} {
		if strings.Contains(body, raw) {
			t.Errorf("raw %q in the page", raw)
		}
	}
	rejected := dashtest.GetWith(t, h, link, cookies)
	if rejected.Code != http.StatusOK || !strings.Contains(rejected.Body.String(), "<img src=x onerror=alert(1)>") {
		t.Errorf("the page's rejected rows link: %d %.300s", rejected.Code, rejected.Body)
	}
}

// TestBinaryBytes: the upload cap reads as it is usually configured.
func TestBinaryBytes(t *testing.T) {
	for n, want := range map[int64]string{512: "512 B", 1 << 20: "1 MiB", 1536 << 10: "1.5 MiB", 4 << 30: "4 GiB", 3 << 40: "3 TiB"} {
		if got := pages.BinaryBytes(n); got != want {
			t.Errorf("%d: %q, want %q", n, got, want)
		}
	}
}

// TestDataPageKeys: the keys the Data page builds at run time are in both
// catalogs.
func TestDataPageKeys(t *testing.T) {
	for _, k := range pages.DataKeys() {
		for _, lang := range pages.Languages {
			if !pages.HasText(lang, k) {
				t.Errorf("%s lacks %q", lang, k)
			}
		}
	}
}
