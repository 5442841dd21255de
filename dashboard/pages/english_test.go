package pages_test

import (
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/imscope/imscope/dashboard/internal/dashtest"
)

// englishAllowed are the Latin words a Chinese page may show besides data:
// abbreviations and names that Chinese readers use as they are.
var englishAllowed = map[string]bool{
	"HHI": true, "CR": true, "CSV": true, "JSON": true, "API": true, "URL": true, "PNG": true, "PDF": true, "HTML": true, "ZIP": true,
	"UTC": true, "ID": true, "id": true, "imscope": true, "Jaccard": true, "Markov": true, "GitHub": true, "Matrix": true, "XMPP": true,
	"Bearer": true, "Basic": true, "ClickHouse": true, "OpenMetrics": true, "IMSCOPE": true, "Q": true, "P": true, "A": true, "B": true,
	"English": true, "im": true, "scope": true, // the language switch; the brand, "im<span>scope</span>"
	"p": true, "m": true, // p95; a step of 5m
	"ms": true, "µs": true, "s": true, "min": true, "h": true, "d": true, "k": true, "M": true, "K": true,
}

var (
	dropRE   = regexp.MustCompile(`(?is)<(script|style|head)\b.*?</(script|style|head)>`)
	tagRE    = regexp.MustCompile(`(?s)<[^>]*>`)
	attrRE   = regexp.MustCompile(`\b(?:title|aria-label|alt)="([^"]*)"`)
	wordRE   = regexp.MustCompile(`[A-Za-z][A-Za-z]*`)
	codeRE   = regexp.MustCompile("`[^`]*`|imscope [^ <]+ ·") // commands and config keys; the footer's version
	segRE    = regexp.MustCompile(`(?s)<select name="segment"[^>]*>(.*?)</select>`)
	optRE    = regexp.MustCompile(`<option value="([^"]*)"`)
	chartRE  = regexp.MustCompile(`(?s)<script type="application/json" id="[^"]+" nonce="[^"]+">(.*?)</script>`)
	zhTarget = "lang=zh-CN"
)

// TestChinesePagesHaveNoEnglish renders every page in Simplified Chinese
// through the real server and fails on a Latin word outside data: the
// network names, collectors, rules, routes and messages the API answers
// with are data, and so are numbers and the few abbreviations above.
func TestChinesePagesHaveNoEnglish(t *testing.T) {
	h := dashtest.Server(t, nil)
	data := dataWords(t, h)
	paths := []string{"/reach?merge=fetion,msn&bridges=hub%3Dqq", "/migration?min_count=0", "/bridges?step=1h"}
	for _, pg := range pagePaths {
		paths = append(paths, pg.path)
	}
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			target := path + "?" + zhTarget
			if strings.Contains(path, "?") {
				target = path + "&" + zhTarget
			}
			w := dashtest.Get(t, h, target)
			if w.Code != http.StatusOK {
				t.Fatalf("%d: %.300s", w.Code, w.Body)
			}
			body := w.Body.String()
			var texts []string
			for _, m := range chartRE.FindAllStringSubmatch(body, -1) {
				var opt struct {
					Title   map[string]any `json:"title"`
					Toolbox struct {
						Feature struct {
							SaveAsImage struct{ Title string } `json:"saveAsImage"`
						} `json:"feature"`
					} `json:"toolbox"`
					YAxis []struct{ Name string } `json:"yAxis"`
				}
				if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &opt); err == nil {
					texts = append(texts, str(opt.Title["text"]), str(opt.Title["subtext"]), opt.Toolbox.Feature.SaveAsImage.Title)
					for _, y := range opt.YAxis {
						texts = append(texts, y.Name)
					}
				}
			}
			for _, m := range attrRE.FindAllStringSubmatch(body, -1) {
				texts = append(texts, html.UnescapeString(m[1]))
			}
			visible := tagRE.ReplaceAllString(dropRE.ReplaceAllString(body, " "), " ")
			texts = append(texts, html.UnescapeString(visible))
			// The segments offered are the data's.
			words := slices.Clone(data)
			for _, sel := range segRE.FindAllStringSubmatch(body, -1) {
				for _, o := range optRE.FindAllStringSubmatch(sel[1], -1) {
					if o[1] != "" {
						words = append(words, html.UnescapeString(o[1]))
					}
				}
			}
			var found []string
			for _, text := range texts {
				text = codeRE.ReplaceAllString(text, " ")
				for _, d := range words {
					text = strings.ReplaceAll(text, d, " ")
				}
				for _, loc := range wordRE.FindAllStringIndex(text, -1) {
					w := text[loc[0]:loc[1]]
					if !englishAllowed[w] && !slices.Contains(found, w) {
						found = append(found, w)
						t.Logf("%q in …%s…", w, strings.Join(strings.Fields(text[max(0, loc[0]-60):min(len(text), loc[1]+40)]), " "))
					}
				}
			}
			if len(found) > 0 {
				t.Errorf("English left on the Chinese page: %q", found)
			}
		})
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// dataWords are the strings the API answers with (names, ids, messages of
// collectors and rules), longest first so that a name is removed whole
// before any shorter name inside it.
func dataWords(t *testing.T, h http.Handler) []string {
	t.Helper()
	seen := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			if strings.TrimSpace(v) != "" {
				seen[v] = true
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for k, e := range v {
				if k == "labels" { // an alert's labels: keys are data too
					for lk := range e.(map[string]any) {
						seen[lk] = true
					}
				}
				walk(e)
			}
		}
	}
	for _, p := range []string{"/networks", "/share?from=2010-01&to=2013-01", "/share?from=2010-07&to=2011-04&granularity=quarter", "/collectors", "/alerts", "/alerts/silences", "/alerts/notifications",
		"/reports", "/bridges", "/bridges/series", "/multihoming", "/switching", "/panel/periods"} {
		w := dashtest.Get(t, h, "/api/v1"+p)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d %.300s", p, w.Code, w.Body)
		}
		var body map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		walk(body["data"])
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}
