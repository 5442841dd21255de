package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope/queries/embedded"
)

// importFile runs `imscope import KIND FILE` in-process, as a user would
// from a shell, and returns what it printed and its error.
func importFile(t *testing.T, database, kind, path string, env map[string]string, flags ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	args := append([]string{"import", kind, path, "--data", sharedData(), "--database", database, "--libchdb", projectLibrary(t)}, flags...)
	err := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errOut)
	return out.String() + errOut.String(), err
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// countRows counts rows of database with query, through a fresh engine (the
// commands under test have closed theirs).
func countRows(t *testing.T, database, query string) uint64 {
	t.Helper()
	e, err := embedded.Open(context.Background(), embedded.Options{DataDir: sharedData(), Database: database, Library: projectLibrary(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	rs, err := e.Query(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var n uint64
	if !rs.Next() {
		t.Fatalf("%s: no row", query)
	}
	if err := rs.Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestImportByKey: through the real command, a file that grew stores only
// its new row and says so, a changed value is a conflict named by line and
// not stored, a file of nothing but bad rows fails the command, and the API
// then shows each value once.
func TestImportByKey(t *testing.T) {
	const db = "import_by_key"
	path := filepath.Join(t.TempDir(), "usage.csv")
	header := "ts,network,metric,value\n"
	rows := []string{"2011-03-01T00:00:00Z,qq,messages,500\n", "2011-03-01T00:00:00Z,msn,messages,300\n", "2011-03-02T00:00:00Z,qq,messages,200\n"}

	writeFile(t, path, header+rows[0]+rows[1])
	out, err := importFile(t, db, "usage", path, nil)
	if err != nil || !strings.Contains(out, "import: ok, 2 rows read: 2 new") {
		t.Fatalf("first import: %v\n%s", err, out)
	}
	writeFile(t, path, header+rows[0]+rows[1]+rows[2]) // the file grew
	out, err = importFile(t, db, "usage", path, nil)
	if err != nil || !strings.Contains(out, "import: ok, 3 rows read: 1 new, 2 already stored") {
		t.Fatalf("the grown file: %v\n%s", err, out)
	}
	out, err = importFile(t, db, "usage", path, nil)
	if err != nil || !strings.Contains(out, "import: ok, 3 rows read: 0 new, 3 already stored") {
		t.Fatalf("the same file again: %v\n%s", err, out)
	}
	// A value changed in place: a conflict, by line, and the rest is fine.
	writeFile(t, path, header+rows[0]+strings.Replace(rows[1], "300", "301", 1)+rows[2])
	out, err = importFile(t, db, "usage", path, nil)
	if err != nil || !strings.Contains(out, "import: partial, 3 rows read: 0 new, 2 already stored, 1 in conflict (not stored)") ||
		!strings.Contains(out, "usage.csv:3: 2011-03-01T00:00:00.000Z messages of msn from import is stored with value 300; this row has value 301: not stored") {
		t.Fatalf("a changed value: %v\n%s", err, out)
	}
	// Nothing but bad rows: the command fails.
	writeFile(t, path, header+"yesterday,qq,messages,1\n2011-03-01T00:00:00Z,qq,messages,many\n")
	out, err = importFile(t, db, "usage", path, nil)
	if err == nil || !strings.Contains(err.Error(), "stored nothing: every row had a problem (2 problems)") {
		t.Fatalf("a file of bad rows: err %v\n%s", err, out)
	}

	if n := countRows(t, db, "SELECT count() FROM usage_samples"); n != 3 {
		t.Fatalf("%d rows stored, want 3", n)
	}
	base, stop := startServe(t, db)
	defer stop()
	code, body := get(t, base+"/api/v1/share?from=2011-03-01&to=2011-04-01&granularity=month&metric=messages&format=csv")
	if code != 200 || !strings.Contains(body, ",qq,") || !strings.Contains(body, ",700,") || !strings.Contains(body, ",300,") {
		t.Fatalf("/api/v1/share: %d, want qq 700 and msn 300 (each row once):\n%s", code, body)
	}
}

// TestImportReportsAndPanelByKey: a re-published share replaces the stored
// one and the import says so; shares adding up past 100 and a panel file
// repeating a row are warned about, stored as given, and do not fail.
func TestImportReportsAndPanelByKey(t *testing.T) {
	const db = "import_reports_by_key"
	dir := t.TempDir()
	reports := filepath.Join(dir, "shares.csv")
	header := "period,publisher,basis,network,share_pct,bound,note\n"
	writeFile(t, reports, header+"2010-Q3,Analysys,users,qq,76.37,eq,\n2010-Q3,Analysys,users,msn,4.34,eq,\n")
	if out, err := importFile(t, db, "reports", reports, nil); err != nil || !strings.Contains(out, "2 rows read: 2 new") {
		t.Fatalf("first import: %v\n%s", err, out)
	}
	writeFile(t, reports, header+"2010-Q3,Analysys,users,qq,96.37,eq,\n2010-Q3,Analysys,users,msn,4.34,eq,\n")
	out, err := importFile(t, db, "reports", reports, nil)
	if err != nil || !strings.Contains(out, "import: ok, 2 rows read: 0 new, 1 replaced, 1 already stored") ||
		!strings.Contains(out, "shares.csv:2: warning: Analysys's users share of qq in 2010-Q3 was 76.37%; now 96.37% (replaced)") ||
		!strings.Contains(out, "shares.csv:2: warning: Analysys's users shares for 2010-Q3 add up to 100.71%, more than 100") {
		t.Fatalf("a corrected report: %v\n%s", err, out)
	}

	panel := filepath.Join(dir, "panel.csv")
	line := "2010-07,u-1001,qq,students,20,340\n"
	writeFile(t, panel, "period,user_id,network,segment,active_days,messages\n"+line+"2010-07,u-1002,msn,,3,4\n"+line)
	env := map[string]string{"IMSCOPE_PANEL_KEY": strings.Repeat("k", 32)}
	out, err = importFile(t, db, "panel", panel, env)
	if err != nil || !strings.Contains(out, "import: ok, 3 rows read: 2 new, 1 repeated") || !strings.Contains(out, "panel.csv:4: warning: repeats line 2 (user ") {
		t.Fatalf("a repeated panel row: %v\n%s", err, out)
	}
	if n := countRows(t, db, "SELECT count() FROM panel_activity"); n != 2 {
		t.Fatalf("%d panel rows, want 2", n)
	}
}

// feedRun is a collector's latest run as /api/v1/collectors reports it.
type feedRun struct {
	Name      string    `json:"name"`
	StartedAt time.Time `json:"started_at"`
	Status    string    `json:"status"`
	Rows      uint64    `json:"rows"`
	Stored    uint64    `json:"stored"`
	Existing  uint64    `json:"existing"`
	Conflicts uint64    `json:"conflicts"`
}

// waitForRun polls the API until collector name's latest run satisfies ok.
func waitForRun(t *testing.T, base, name string, ok func(feedRun) bool) feedRun {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var last feedRun
	for time.Now().Before(deadline) {
		code, body := get(t, base+"/api/v1/collectors")
		var resp struct {
			Data struct{ Collectors []feedRun } `json:"data"`
		}
		if code != 200 || json.Unmarshal([]byte(body), &resp) != nil {
			t.Fatalf("/api/v1/collectors: %d %s", code, body)
		}
		for _, c := range resp.Data.Collectors {
			if c.Name == name {
				last = c
				if ok(c) {
					return c
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("collector %s: latest run %+v never satisfied the wait", name, last)
	return last
}

// serveFeed writes rows, a usage CSV, to dir/feed.csv and starts serve on
// database db with a csv collector "feed" reading it every second; it
// returns the feed's path, the server's base URL and serve's stop.
func serveFeed(t *testing.T, db, dir, rows string) (feed, base string, stop func() error) {
	t.Helper()
	feed = filepath.Join(dir, "feed.csv")
	writeFile(t, feed, rows)
	cfg := filepath.Join(dir, "imscope.yaml")
	writeFile(t, cfg, "collectors:\n  - name: feed\n    kind: csv\n    schedule: \"@every 1s\"\n    csv:\n      kind: usage\n      path: "+feed+"\n")
	base, stop = startServe(t, db, "--config", cfg, "--api-cache-ttl", "0")
	return feed, base, stop
}

// TestScheduledCSVFeedGrows: serve runs a csv collector on a schedule over a
// feed that gains a row between runs; every row is stored once, however
// many runs read it, and each run says what it stored.
func TestScheduledCSVFeedGrows(t *testing.T) {
	const db = "scheduled_feed"
	feed, base, stop := serveFeed(t, db, t.TempDir(), "ts,network,metric,value\n2011-03-01T00:00:00Z,qq,messages,5\n2011-03-01T00:00:00Z,msn,messages,7\n")
	// A run over the two rows, then another that finds them stored.
	first := waitForRun(t, base, "feed", func(r feedRun) bool { return r.Rows == 2 })
	again := waitForRun(t, base, "feed", func(r feedRun) bool { return r.StartedAt.After(first.StartedAt) })
	if again.Status != "ok" || again.Rows != 2 || again.Stored != 0 || again.Existing != 2 {
		t.Fatalf("a run over a feed already stored: %+v; want 0 stored, 2 already stored", again)
	}
	f, err := os.OpenFile(feed, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("2011-03-01T00:00:00Z,skype,messages,2\n")
	f.Close()
	grown := waitForRun(t, base, "feed", func(r feedRun) bool { return r.Rows == 3 })
	if grown.Status != "ok" || grown.Stored+grown.Existing != 3 || grown.Stored > 1 {
		t.Fatalf("the first run over the grown feed: %+v; want the new row stored, the others found", grown)
	}
	later := waitForRun(t, base, "feed", func(r feedRun) bool { return r.StartedAt.After(grown.StartedAt) })
	if later.Stored != 0 || later.Existing != 3 {
		t.Fatalf("a later run: %+v; want nothing stored, 3 already stored", later)
	}
	code, body := get(t, base+"/api/v1/share?from=2011-03-01&to=2011-04-01&granularity=month&metric=messages&format=csv")
	if code != 200 || !strings.Contains(body, ",5,") || !strings.Contains(body, ",7,") || !strings.Contains(body, ",2,") {
		t.Fatalf("/api/v1/share: %d, want qq 5, msn 7, skype 2 (each row once):\n%s", code, body)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, db, "SELECT toUInt64(sumMerge(total)) FROM usage_daily"); n != 14 {
		t.Fatalf("the daily rollup sums to %d, want 14 (5 + 7 + 2, each once)", n)
	}
}
