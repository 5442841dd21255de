package pages_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/imscope/imscope/dashboard/internal/dashtest"
)

var updateFold = flag.Bool("update-fold", false, "rewrite testdata/share_fold.golden")

// foldedRE is the table's note under the "other" row.
var foldedRE = regexp.MustCompile(`(?s)<td><span class="swatch"[^>]*></span>([^<]*)<div class="muted small wrap" data-folded>([^<]*)</div></td>`)

// TestShareFold: with top=3 the Market share page folds the long tail into
// one entry named by how many networks it holds, in English and Chinese,
// and says which networks it holds — in the trend's tooltip notes per
// period, the ring's tooltip note, the table — and the CSV lists them.
// The window is the day the fixture's hostile networks report users, so
// the notes carry their names as text. The fold's part of each is compared
// with testdata/share_fold.golden (-update-fold rewrites it).
func TestShareFold(t *testing.T) {
	h := dashtest.Server(t, nil)
	const q = "from=2012-06&to=2012-07&granularity=month&metric=active_users_30d&top=3"
	var b strings.Builder
	for _, lang := range []string{"en", "zh-CN"} {
		w := dashtest.Get(t, h, "/share?"+q+"&lang="+lang)
		if w.Code != 200 {
			t.Fatalf("/share %s: %d", lang, w.Code)
		}
		body := w.Body.String()
		fmt.Fprintf(&b, "== page, %s\n", lang)
		for _, m := range jsonBlockRE.FindAllStringSubmatch(body, -1) {
			var opt struct {
				Series []struct {
					Name    string   `json:"name"`
					ImNotes []string `json:"imNotes"`
					Data    []any    `json:"data"`
				} `json:"series"`
			}
			if err := json.Unmarshal([]byte(m[3]), &opt); err != nil {
				t.Fatalf("block %s: %v", m[1], err)
			}
			for _, s := range opt.Series {
				if s.ImNotes != nil {
					fmt.Fprintf(&b, "%s series %q notes %q\n", m[1], s.Name, s.ImNotes)
				}
				for _, d := range s.Data {
					if item, ok := d.(map[string]any); ok && item["imNote"] != nil {
						fmt.Fprintf(&b, "%s slice %q %.4g note %q\n", m[1], item["name"], item["value"], item["imNote"])
					}
				}
			}
		}
		for _, m := range foldedRE.FindAllStringSubmatch(body, -1) {
			fmt.Fprintf(&b, "table %q: %q\n", html.UnescapeString(m[1]), html.UnescapeString(m[2]))
		}
	}
	b.WriteString("== CSV\n")
	for _, r := range dashtest.GetCSV(t, h, "/api/v1/share?"+q+"&format=csv") {
		if r["network"] == "other" {
			fmt.Fprintf(&b, "%s other share %s rank %s folded %q\n", r["period"], r["share"], r["rank"], r["folded"])
		}
	}
	got := b.String()
	path := filepath.Join("testdata", "share_fold.golden")
	if *updateFold {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update-fold to create it)", err)
	}
	if got != string(want) {
		t.Errorf("the fold differs from %s (-update-fold to accept):\n%s", path, got)
	}
	for _, needle := range []string{"Other (", "其他（", "Folded in: ", "合并了："} {
		if !strings.Contains(got, needle) {
			t.Errorf("no %q in the fold:\n%s", needle, got)
		}
	}
}
