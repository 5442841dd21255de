package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/imscope/imscope/dashboard/api"

	"github.com/imscope/imscope/dashboard/internal/dashtest"
	"github.com/imscope/imscope/dashboard/respond"
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

// TestCSVEveryTable: every table of every endpoint answers CSV whose
// header is the declared columns, with every row as wide.
func TestCSVEveryTable(t *testing.T) {
	h := dashtest.Server(t, nil)
	for _, ep := range api.Endpoints() {
		for _, tab := range ep.Tables {
			t.Run(strings.Trim(ep.Path, "/")+"/"+tab.Name, func(t *testing.T) {
				target := respond.APIPrefix + ep.Path + "?format=csv&table=" + tab.Name
				if q := sampleQuery[ep.Path]; q != "" {
					target += "&" + q
				}
				w := dashtest.Get(t, h, target)
				if w.Code != http.StatusOK {
					t.Fatalf("%s: %d %s", target, w.Code, w.Body)
				}
				if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/csv; charset=utf-8") {
					t.Errorf("Content-Type %q", ct)
				}
				if !bytes.HasSuffix(w.Body.Bytes(), []byte("\r\n")) {
					t.Errorf("records do not end in CRLF")
				}
				recs := dashtest.ReadCSV(t, w.Body.Bytes())
				var want []string
				for _, c := range tab.Columns {
					want = append(want, c.Name)
				}
				if !slices.Equal(recs[0], want) {
					t.Fatalf("header %v, want %v", recs[0], want)
				}
				// The demo has no spool and no events (TestEventsAPI reads
				// events' CSV rows on an engine holding some).
				if len(recs) < 2 && tab.Name != "spool" && tab.Name != "events" {
					t.Errorf("%s: no rows", target)
				}
			})
		}
	}
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
		return c == api.Neutralise(v)
	case []any:
		parts := make([]string, len(v))
		for i, p := range v {
			parts[i] = fmt.Sprint(p)
		}
		return c == api.Neutralise(strings.Join(parts, ";"))
	}
	return false
}

// TestCSVMatchesJSON: the CSV of share, switching and bridges holds the
// JSON answer's very numbers, row by row.
func TestCSVMatchesJSON(t *testing.T) {
	h := dashtest.Server(t, nil)
	cases := []struct {
		name, query string
		table       string
		flatten     func(t *testing.T, d map[string]any) []map[string]any
	}{
		{"share", "/api/v1/share?" + sampleQuery["/share"], "shares", func(t *testing.T, d map[string]any) []map[string]any {
			var out []map[string]any
			for _, p := range dashtest.Objs(t, d, "periods") {
				for _, s := range dashtest.Objs(t, p, "shares") {
					out = append(out, map[string]any{"period": p["period"], "network": s["network"], "value": s["value"], "share": s["share"], "rank": s["rank"],
						"delta_prev": s["delta_prev"], "delta_year": s["delta_year"], "folded": s["folded"], "total": p["total"],
						"bound": s["bound"], "source": d["source"], "publisher": d["publisher"], "basis": d["basis"]})
				}
			}
			return out
		}},
		{"share published", "/api/v1/share?" + sampleQuery["/share"], "published", func(t *testing.T, d map[string]any) []map[string]any {
			out := dashtest.Objs(t, d, "published")
			if len(out) == 0 {
				t.Fatal("no published figures beside 2010-Q3")
			}
			return out
		}},
		{"switching cells", "/api/v1/switching?" + sampleQuery["/switching"], "cells", func(t *testing.T, d map[string]any) []map[string]any {
			var out []map[string]any
			for _, tr := range dashtest.Objs(t, d, "transitions") {
				for _, c := range dashtest.Objs(t, tr, "cells") {
					out = append(out, map[string]any{"from_period": tr["from_period"], "to_period": tr["to_period"], "from_network": c["from"], "to_network": c["to"],
						"count": c["count"], "suppressed": c["suppressed"], "p": c["p"], "net_flow": c["net_flow"], "diversion": c["diversion"]})
				}
			}
			return out
		}},
		{"switching forecast", "/api/v1/switching?" + sampleQuery["/switching"], "forecast", func(t *testing.T, d map[string]any) []map[string]any {
			var out []map[string]any
			for _, tr := range dashtest.Objs(t, d, "transitions") {
				for _, st := range dashtest.Objs(t, tr, "forecast") {
					for _, s := range dashtest.Objs(t, st, "shares") {
						out = append(out, map[string]any{"from_period": tr["from_period"], "to_period": tr["to_period"], "step": st["step"], "network": s["network"], "share": s["share"]})
					}
				}
			}
			return out
		}},
		{"bridges routes", "/api/v1/bridges?" + sampleQuery["/bridges"], "routes", func(t *testing.T, d map[string]any) []map[string]any {
			return dashtest.Objs(t, d, "routes")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.flatten(t, dashtest.GetJSON(t, h, tc.query))
			got := dashtest.GetCSV(t, h, tc.query+"&format=csv&table="+tc.table)
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
	h := dashtest.Server(t, nil)
	d := dashtest.GetJSON(t, h, "/api/v1/switching?min_count=50")
	tr := dashtest.Objs(t, d, "transitions")[0]
	hiddenDiag := map[string]bool{}
	for _, c := range dashtest.Objs(t, tr, "cells") {
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
	if dashtest.Num(t, tr, "suppressed") == 0 || dashtest.Num(t, tr, "resolution") == 0 {
		t.Fatalf("min_count 50 hides nothing: %v", tr["suppressed"])
	}
	for _, n := range dashtest.Objs(t, tr, "networks") {
		if hiddenDiag[n["network"].(string)] && n["retention"] != nil {
			t.Errorf("%v: retention shown with its diagonal hidden", n["network"])
		}
	}
	for _, c := range dashtest.Objs(t, tr, "cells") {
		if hiddenDiag[c["from"].(string)] && c["diversion"] != nil {
			t.Errorf("diversion from %v shown with its diagonal hidden", c["from"])
		}
	}
	res := dashtest.Num(t, tr, "resolution")
	for _, st := range dashtest.Objs(t, tr, "forecast") {
		for _, s := range dashtest.Objs(t, st, "shares") {
			if v := dashtest.Num(t, s, "share") / res; v != float64(int64(v+0.5)) && v != float64(int64(v)) {
				t.Errorf("forecast share %v is not a multiple of the resolution %v", s["share"], res)
			}
		}
	}
	b, _ := json.Marshal(tr["steady_state"])
	if !strings.Contains(string(b), "unique") {
		t.Errorf("steady state %s", b)
	}
}
