package dashboard

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// sampleQuery is a query each endpoint answers with data on the demo set.
var sampleQuery = map[string]string{
	"/scenario/merge": "merge=fetion,msn",
	"/switching":      "from=2011-01&to=2012-07&min_count=5",
	"/reachability":   "bridges=qq-msn,popo-qq",
	"/bridges":        "from=2012-06-29&to=2012-07-01",
	"/bridges/series": "from=2012-06-30T12:00:00Z&step=1h",
	"/share":          "granularity=quarter&from=2010-Q3&to=2012-Q3&top=4",
	"/concentration":  "granularity=quarter&from=2011&to=2012-07",
	"/multihoming":    "networks=qq,msn,fetion",
	"/alerts":         "from=2012-06",
	"/collectors":     "",
	"/panel/periods":  "from=2011-04",
	"/networks":       "",
}

func readCSV(t *testing.T, body []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord = 0 // every record as wide as the header
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("not RFC 4180 CSV (%v): %.300s", err, body)
	}
	return recs
}

// TestCSVEveryTable: every table of every endpoint answers CSV whose
// header is the declared columns, with every row as wide.
func TestCSVEveryTable(t *testing.T) {
	h := server(t, nil)
	for _, ep := range newAPI(Options{}).endpoints {
		for _, tab := range ep.Tables {
			t.Run(strings.Trim(ep.Path, "/")+"/"+tab.Name, func(t *testing.T) {
				target := apiPrefix + ep.Path + "?format=csv&table=" + tab.Name
				if q := sampleQuery[ep.Path]; q != "" {
					target += "&" + q
				}
				w := get(t, h, target)
				if w.Code != http.StatusOK {
					t.Fatalf("%s: %d %s", target, w.Code, w.Body)
				}
				if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/csv; charset=utf-8") {
					t.Errorf("Content-Type %q", ct)
				}
				if !bytes.HasSuffix(w.Body.Bytes(), []byte("\r\n")) {
					t.Errorf("records do not end in CRLF")
				}
				recs := readCSV(t, w.Body.Bytes())
				var want []string
				for _, c := range tab.Columns {
					want = append(want, c.Name)
				}
				if !slices.Equal(recs[0], want) {
					t.Fatalf("header %v, want %v", recs[0], want)
				}
				if len(recs) < 2 && tab.Name != "spool" {
					t.Errorf("%s: no rows", target)
				}
			})
		}
	}
}

// getJSON returns a JSON answer's data.
func getJSON(t *testing.T, h http.Handler, target string) map[string]any {
	t.Helper()
	w := get(t, h, target)
	if w.Code != http.StatusOK {
		t.Fatalf("%s: %d %s", target, w.Code, w.Body)
	}
	_, d := decode(t, w)
	return d
}

func getCSV(t *testing.T, h http.Handler, target string) []map[string]string {
	t.Helper()
	w := get(t, h, target)
	if w.Code != http.StatusOK {
		t.Fatalf("%s: %d %s", target, w.Code, w.Body)
	}
	recs := readCSV(t, w.Body.Bytes())
	out := make([]map[string]string, 0, len(recs)-1)
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, c := range recs[0] {
			m[c] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// sameValue compares a JSON value with its CSV cell: numbers exactly (both
// are the shortest round-trip form of one float64), null as empty, lists
// joined with ";".
func sameValue(j any, c string) bool {
	switch v := j.(type) {
	case nil:
		return c == ""
	case float64:
		f, err := strconv.ParseFloat(c, 64)
		return err == nil && f == v
	case bool:
		return c == strconv.FormatBool(v)
	case string:
		return c == neutralise(v)
	case []any:
		parts := make([]string, len(v))
		for i, p := range v {
			parts[i] = fmt.Sprint(p)
		}
		return c == neutralise(strings.Join(parts, ";"))
	}
	return false
}

// TestCSVMatchesJSON: the CSV of share, switching and bridges holds the
// JSON answer's very numbers, row by row.
func TestCSVMatchesJSON(t *testing.T) {
	h := server(t, nil)
	cases := []struct {
		name, query string
		table       string
		flatten     func(t *testing.T, d map[string]any) []map[string]any
	}{
		{"share", "/api/v1/share?" + sampleQuery["/share"], "shares", func(t *testing.T, d map[string]any) []map[string]any {
			var out []map[string]any
			for _, p := range objs(t, d, "periods") {
				for _, s := range objs(t, p, "shares") {
					out = append(out, map[string]any{"period": p["period"], "network": s["network"], "value": s["value"], "share": s["share"], "rank": s["rank"],
						"delta_prev": s["delta_prev"], "delta_year": s["delta_year"], "folded": s["folded"], "total": p["total"]})
				}
			}
			return out
		}},
		{"share published", "/api/v1/share?" + sampleQuery["/share"], "published", func(t *testing.T, d map[string]any) []map[string]any {
			out := objs(t, d, "published")
			if len(out) == 0 {
				t.Fatal("no published figures beside 2010-Q3")
			}
			return out
		}},
		{"switching cells", "/api/v1/switching?" + sampleQuery["/switching"], "cells", func(t *testing.T, d map[string]any) []map[string]any {
			var out []map[string]any
			for _, tr := range objs(t, d, "transitions") {
				for _, c := range objs(t, tr, "cells") {
					out = append(out, map[string]any{"from_period": tr["from_period"], "to_period": tr["to_period"], "from_network": c["from"], "to_network": c["to"],
						"count": c["count"], "suppressed": c["suppressed"], "p": c["p"], "net_flow": c["net_flow"], "diversion": c["diversion"]})
				}
			}
			return out
		}},
		{"switching forecast", "/api/v1/switching?" + sampleQuery["/switching"], "forecast", func(t *testing.T, d map[string]any) []map[string]any {
			var out []map[string]any
			for _, tr := range objs(t, d, "transitions") {
				for _, st := range objs(t, tr, "forecast") {
					for _, s := range objs(t, st, "shares") {
						out = append(out, map[string]any{"from_period": tr["from_period"], "to_period": tr["to_period"], "step": st["step"], "network": s["network"], "share": s["share"]})
					}
				}
			}
			return out
		}},
		{"bridges routes", "/api/v1/bridges?" + sampleQuery["/bridges"], "routes", func(t *testing.T, d map[string]any) []map[string]any {
			return objs(t, d, "routes")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.flatten(t, getJSON(t, h, tc.query))
			got := getCSV(t, h, tc.query+"&format=csv&table="+tc.table)
			if len(got) != len(want) || len(got) == 0 {
				t.Fatalf("%d CSV rows, %d JSON records", len(got), len(want))
			}
			var suppressed int
			for i := range want {
				for col, cell := range got[i] {
					j, ok := want[i][col]
					if !ok {
						t.Fatalf("row %d: CSV column %s has no JSON field", i, col)
					}
					if !sameValue(j, cell) {
						t.Errorf("row %d %s: CSV %q, JSON %v", i, col, cell, j)
					}
				}
				if want[i]["suppressed"] == true {
					suppressed++
				}
			}
			if tc.table == "cells" && suppressed == 0 {
				t.Errorf("no suppressed cells at min_count 5: the test does not cover suppression")
			}
		})
	}
}

// TestSuppressionHidesDerived: nothing in a switching answer gives a
// suppressed count back.
func TestSuppressionHidesDerived(t *testing.T) {
	h := server(t, nil)
	d := getJSON(t, h, "/api/v1/switching?min_count=50")
	tr := objs(t, d, "transitions")[0]
	hiddenDiag := map[string]bool{}
	for _, c := range objs(t, tr, "cells") {
		if c["suppressed"] != true {
			continue
		}
		for _, k := range []string{"count", "p", "net_flow", "diversion"} {
			if c[k] != nil {
				t.Errorf("suppressed cell %v→%v shows %s = %v", c["from"], c["to"], k, c[k])
			}
		}
		if c["from"] == c["to"] {
			hiddenDiag[c["from"].(string)] = true
		}
	}
	if num(t, tr, "suppressed") == 0 || num(t, tr, "resolution") == 0 {
		t.Fatalf("min_count 50 hides nothing: %v", tr["suppressed"])
	}
	for _, n := range objs(t, tr, "networks") {
		if hiddenDiag[n["network"].(string)] && n["retention"] != nil {
			t.Errorf("%v: retention shown with its diagonal hidden", n["network"])
		}
	}
	for _, c := range objs(t, tr, "cells") {
		if hiddenDiag[c["from"].(string)] && c["diversion"] != nil {
			t.Errorf("diversion from %v shown with its diagonal hidden", c["from"])
		}
	}
	res := num(t, tr, "resolution")
	for _, st := range objs(t, tr, "forecast") {
		for _, s := range objs(t, st, "shares") {
			if v := num(t, s, "share") / res; v != float64(int64(v+0.5)) && v != float64(int64(v)) {
				t.Errorf("forecast share %v is not a multiple of the resolution %v", s["share"], res)
			}
		}
	}
	b, _ := json.Marshal(tr["steady_state"])
	if !strings.Contains(string(b), "unique") {
		t.Errorf("steady state %s", b)
	}
}

func TestNeutralise(t *testing.T) {
	for in, want := range map[string]string{
		"qq": "qq", "": "", "=1+1": "'=1+1", "+1": "'+1", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)",
		"\tx": "'\tx", "\rx": "'\rx", "a=b": "a=b", "</script>": "</script>", `"q"`: `"q"`,
	} {
		if got := neutralise(in); got != want {
			t.Errorf("neutralise(%q) = %q, want %q", in, got, want)
		}
	}
	// Numbers are not text: a negative delta stays a number.
	if got := cell(-2.5); got != "-2.5" {
		t.Errorf("cell(-2.5) = %q", got)
	}
	if got := cell([]string{"=a", "b"}); got != "'=a;b" {
		t.Errorf("list cell %q", got)
	}
}
