package pages

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/analytics"
)

// TestCatalogs: both Languages have every text, and every key the code
// and templates name exists (a typo would show the key itself).
func TestCatalogs(t *testing.T) {
	for k := range catalogs[LangEN] {
		if _, ok := catalogs[LangZH][k]; !ok {
			t.Errorf("zh-CN lacks %q", k)
		}
	}
	for k := range catalogs[LangZH] {
		if _, ok := catalogs[LangEN][k]; !ok {
			t.Errorf("zh-CN has %q, English does not", k)
		}
	}
	used := map[string]bool{}
	literal := regexp.MustCompile(`(?:\bT\(|\.T |emptyOf \$ |p\.meta\("[^"]+", |p\.emptyCard\(\d+, )"([a-z][a-z0-9_]*\.[a-z0-9_ .]*[a-z0-9])"(?: "([a-z][a-z0-9_]*\.[a-z0-9_.]+)")?`)
	files, _ := filepath.Glob("*.go")
	tmpls, _ := filepath.Glob("templates/*.html")
	pages, _ := filepath.Glob("templates/pages/*.html")
	// Reports are written with these catalogs too.
	reportFiles, _ := filepath.Glob("../report/*.go")
	reportTmpls, _ := filepath.Glob("../report/templates/*.html")
	files = append(append(files, reportFiles...), reportTmpls...)
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
	for _, def := range (&Site{}).pageDefs() {
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
		if _, ok := catalogs[LangEN][k]; !ok {
			t.Errorf("key %q is used but not in the catalog", k)
		}
	}
}

// TestPagesCatalogKeys: the keys the Reports and Alerts pages build at
// run time exist in both catalogs (the reports' own: package report).
func TestPagesCatalogKeys(t *testing.T) {
	var keys []string
	for _, g := range granularities {
		keys = append(keys, "granularity."+string(g))
	}
	keys = append(keys, "silences.action.create", "silences.action.expire")
	for _, k := range keys {
		for _, l := range Languages {
			if _, ok := catalogs[l][k]; !ok {
				t.Errorf("%s lacks %q", l, k)
			}
		}
	}
}
