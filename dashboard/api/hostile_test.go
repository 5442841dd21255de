package api_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/imscope/imscope/dashboard/internal/dashtest"
)

// TestHostileNetworkNames: network ids that try to break out of a page or
// a spreadsheet come back intact in JSON (escaped for <script> embedding),
// and in CSV as the same text, quoted where RFC 4180 needs it and with a
// leading ' where a spreadsheet would evaluate it.
func TestHostileNetworkNames(t *testing.T) {
	h := dashtest.Server(t, nil)
	target := "/api/v1/share?from=2012-06&to=2012-07"

	w := dashtest.Get(t, h, target)
	if w.Code != http.StatusOK {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	if strings.Contains(w.Body.String(), "<script>") || strings.Contains(w.Body.String(), "<img") {
		t.Errorf("raw markup in the JSON body: %s", w.Body)
	}
	_, d := dashtest.Decode(t, w)
	var got []string
	for _, s := range dashtest.Objs(t, dashtest.Objs(t, d, "periods")[0], "shares") {
		got = append(got, s["network"].(string))
	}
	for _, n := range dashtest.HostileNetworks {
		if !slices.Contains(got, n) {
			t.Errorf("JSON lost %q; networks %q", n, got)
		}
	}

	rows := dashtest.GetCSV(t, h, target+"&format=csv")
	var csvNets []string
	for _, r := range rows {
		csvNets = append(csvNets, r["network"])
	}
	for _, n := range dashtest.HostileNetworks {
		want := n
		if strings.HasPrefix(n, "=") {
			want = "'" + n
		}
		if !slices.Contains(csvNets, want) {
			t.Errorf("CSV lacks %q; networks %q", want, csvNets)
		}
		if strings.TrimPrefix(want, "'") != n {
			t.Errorf("%q does not read back as %q", want, n)
		}
	}

	// Selecting a hostile network by id works and echoes it intact.
	sel := "/api/v1/share?from=2012-06&to=2012-07&networks=" + url.QueryEscape(dashtest.HostileNetworks[0]+","+dashtest.HostileNetworks[2])
	q, d := dashtest.Decode(t, dashtest.Get(t, h, sel))
	if q["networks"] != dashtest.HostileNetworks[0]+","+dashtest.HostileNetworks[2] && q["networks"] != dashtest.HostileNetworks[2]+","+dashtest.HostileNetworks[0] {
		t.Errorf("query echo %q", q["networks"])
	}
	shares := dashtest.Objs(t, dashtest.Objs(t, d, "periods")[0], "shares")
	if len(shares) != 3 || shares[2]["network"] != "other" {
		t.Errorf("selected hostile networks: %v", shares)
	}

	// Free text in other answers is data too.
	rows = dashtest.GetCSV(t, h, "/api/v1/alerts?format=csv&table=events")
	if len(rows) != 2 || rows[1]["message"] != `failure ratio 0.4 > 0.1 on "fetion-msn" <b>` {
		t.Errorf("alert events %v", rows)
	}
}
