package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// collectorsAnswer is the part of /api/v1/collectors these tests read.
type collectorsAnswer struct {
	Data struct {
		Collectors []struct {
			Name     string   `json:"name"`
			Status   string   `json:"status"`
			Warnings []string `json:"warnings"`
		} `json:"collectors"`
		UnknownNetworks []struct {
			Network    string    `json:"network"`
			Rows       uint64    `json:"rows"`
			FirstSeen  time.Time `json:"first_seen"`
			LastSeen   time.Time `json:"last_seen"`
			Collectors []string  `json:"collectors"`
		} `json:"unknown_networks"`
	} `json:"data"`
}

// TestUnknownNetworksThroughServe: rows naming networks outside the
// default catalog land and are flagged, through the real commands. An
// import warns once for its unknown id (at the row's line) and succeeds; a
// scheduled collector inside serve warns in its run and counts the row at
// /metrics once, however often it reads it again; /api/v1/collectors and
// the Collectors page list both ids from the stored data — the import's
// too, loaded before this serve started.
func TestUnknownNetworksThroughServe(t *testing.T) {
	const db = "unknown_networks"
	start := time.Now()
	dir := t.TempDir()
	path := filepath.Join(dir, "usage.csv")
	writeFile(t, path, "ts,network,metric,value\n2011-03-01T00:00:00Z,qq,messages,5\n2011-03-01T00:00:00Z,icq,messages,7\n2011-03-02T00:00:00Z,icq,messages,8\n")
	out, err := importFile(t, db, "usage", path, nil)
	if err != nil || !strings.Contains(out, "import: ok, 3 rows read: 3 new") || !strings.Contains(out, "; 1 warnings") ||
		!strings.Contains(out, `usage.csv:3: warning: network "icq" is not in the catalog: its rows are kept under that id and counted as unknown`) ||
		strings.Count(out, `network "icq"`) != 1 {
		t.Fatalf("import: %v\n%s\nwant ok, 3 new, one warning about icq at line 3", err, out)
	}
	if n := countRows(t, db, "SELECT count() FROM usage_samples WHERE network = 'icq'"); n != 2 {
		t.Fatalf("%d rows under icq, want 2", n)
	}

	_, base, stop := serveFeed(t, db, dir, "ts,network,metric,value\n2011-03-01T00:00:00Z,aim,messages,3\n")
	first := waitForRun(t, base, "feed", func(r feedRun) bool { return r.Rows == 1 })
	again := waitForRun(t, base, "feed", func(r feedRun) bool { return r.StartedAt.After(first.StartedAt) })
	if first.Stored != 1 || again.Stored != 0 || again.Status != "ok" {
		t.Fatalf("feed runs %+v then %+v; want the row stored once, then found stored (ok)", first, again)
	}

	code, metrics := get(t, base+"/metrics")
	if code != 200 || !strings.Contains(metrics, "imscope_rows_unknown_network_total{network=\"aim\"} 1\n") {
		t.Fatalf("/metrics: %d, want aim counted once:\n%s", code, grepLines(metrics, "unknown_network"))
	}
	if strings.Contains(metrics, `network="icq"`) {
		t.Errorf("/metrics counts icq, stored by another process:\n%s", grepLines(metrics, "unknown_network"))
	}

	code, body := get(t, base+"/api/v1/collectors")
	var ans collectorsAnswer
	if code != 200 || json.Unmarshal([]byte(body), &ans) != nil {
		t.Fatalf("/api/v1/collectors: %d %s", code, body)
	}
	type unknown struct {
		Network    string
		Rows       uint64
		Collectors string
	}
	var got []unknown
	for _, u := range ans.Data.UnknownNetworks {
		got = append(got, unknown{u.Network, u.Rows, strings.Join(u.Collectors, ",")})
		// Seen when stored (by the import, then by serve's collector),
		// not at the rows' own 2011 timestamps.
		if u.FirstSeen.Before(start.Add(-time.Second)) || u.LastSeen.Before(u.FirstSeen) || u.LastSeen.After(time.Now()) {
			t.Errorf("%s: first_seen %s, last_seen %s; want both since the test started (%s), in order", u.Network, u.FirstSeen, u.LastSeen, start)
		}
	}
	if want := []unknown{{"icq", 2, "import"}, {"aim", 1, "feed"}}; !slices.Equal(got, want) {
		t.Errorf("unknown_networks %+v, want %+v (from ClickHouse: the import's icq too, with who sent each)", got, want)
	}
	for _, c := range ans.Data.Collectors {
		warned := slices.ContainsFunc(c.Warnings, func(w string) bool { return strings.Contains(w, `warning: network "aim" is not in the catalog`) })
		if c.Name == "feed" && (c.Status != "ok" || !warned) {
			t.Errorf("feed's latest run: %s, warnings %q; want ok with the warning about aim", c.Status, c.Warnings)
		}
	}

	code, page := get(t, base+"/collectors")
	if code != 200 || !strings.Contains(page, `id="unknown-networks"`) || !strings.Contains(page, `data-unknown-network="icq"`) || !strings.Contains(page, `data-unknown-network="aim"`) ||
		!strings.Contains(page, `data-collectors><code>feed</code>`) || !strings.Contains(page, `data-collectors><code>import</code>`) {
		t.Fatalf("/collectors: %d, want both unknown networks listed:\n%.3000s", code, page)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// TestImportShippedExample: the file the README imports is in the
// repository and loads cleanly: eight published shares, all of networks
// in the default catalog, so nothing is flagged.
func TestImportShippedExample(t *testing.T) {
	out, err := importFile(t, "shipped_example", "reports", "../../docs/examples/im-share-q3.csv", nil)
	if err != nil || !strings.Contains(out, "import: ok, 8 rows read: 8 new") || strings.Contains(out, "warning") {
		t.Fatalf("import of docs/examples/im-share-q3.csv: %v\n%s", err, out)
	}
}

// grepLines keeps the lines of s that contain sub, for failure messages.
func grepLines(s, sub string) string {
	var out []string
	for l := range strings.Lines(s) {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "")
}
