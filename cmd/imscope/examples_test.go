package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// examplesDir is docs/examples, the files the README tells a newcomer to
// import.
var examplesDir = filepath.Join("..", "..", "docs", "examples")

// TestExamplesImport: every CSV file in docs/examples imports cleanly
// through the real command — the kind its name says, every row read
// landing, no problem reported — so the README's "Bring your own data" cannot
// drift from what the binary accepts. Then the example report, as pasted,
// runs on them: without --period it covers the last full week, which holds
// none of the 2011 usage, and says so, naming a week that does; that week
// then runs without the note.
func TestExamplesImport(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(examplesDir, "*.csv"))
	if err != nil || len(files) < 4 {
		t.Fatalf("docs/examples holds %v (%v); want shares, a published history, a panel and a usage file", files, err)
	}
	env := map[string]string{"IMSCOPE_PANEL_KEY": strings.Repeat("ab", 32)}
	// Each file into a database of its own: it must import cleanly by
	// itself (published-history.csv repeats im-share-q3.csv's figures with
	// its own notes, so after it those rows are replaced, with a warning).
	dbOf := func(f string) string {
		return "examples_" + strings.NewReplacer("-", "_", ".", "_").Replace(filepath.Base(f))
	}
	tables := map[string]string{"reports": "market_reports", "panel": "panel_activity", "usage": "usage_samples", "events": "events"}
	for _, f := range files {
		kind := "reports" // published shares, unless the name says otherwise
		for _, k := range []string{"panel", "usage", "events"} {
			if strings.HasPrefix(filepath.Base(f), k) {
				kind = k
			}
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			db := dbOf(f)
			var migrated, errOut strings.Builder
			if err := run(context.Background(), []string{"migrate", "--data", sharedData(), "--database", db, "--libchdb", projectLibrary(t)}, func(string) string { return "" }, &migrated, &errOut); err != nil {
				t.Fatalf("migrate: %v\n%s", err, errOut.String())
			}
			before := countRows(t, db, "SELECT count() FROM "+tables[kind])
			out, err := importFile(t, db, kind, f, env)
			if err != nil {
				t.Fatalf("imscope import %s %s: %v\n%s", kind, f, err, out)
			}
			summary, _, _ := strings.Cut(out, "\n")
			if !regexp.MustCompile(`^import: ok, \d+ rows read: \d+ new in \S+$`).MatchString(summary) {
				t.Errorf("imscope import %s %s: not clean:\n%s", kind, f, out)
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			rows := strings.Count(strings.TrimSpace(string(b)), "\n") // the header excluded
			read := regexp.MustCompile(`(\d+) rows read`).FindStringSubmatch(out)
			if read == nil || read[1] != strconv.Itoa(rows) {
				t.Errorf("the file has %d rows; the import says %q", rows, out)
			}
			if after := countRows(t, db, "SELECT count() FROM "+tables[kind]); after <= before {
				t.Errorf("%s: %d rows before and %d after: nothing landed\n%s", tables[kind], before, after, out)
			}
		})
	}

	// The example report, from a folder of its own (its destination is the
	// relative ./reports-out).
	withRenderer(t)
	cfg, err := filepath.Abs(filepath.Join(examplesDir, "reports.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	lib, data := projectLibrary(t), sharedData()
	t.Chdir(t.TempDir())
	base := []string{"--config", cfg, "--data", data, "--database", dbOf("usage.csv"), "--libchdb", lib}
	var stdout, stderr strings.Builder
	if err := run(context.Background(), append([]string{"report", "run", "weekly"}, base...), func(string) string { return "" }, &stdout, &stderr); err != nil {
		t.Fatalf("the example report as pasted: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	note := regexp.MustCompile(`note: \S+ holds no usage, .* usage is stored from 2011-01-31 to 2011-03-31 \(2011-W05 to 2011-W13\): try --period (2011-W13)`).FindStringSubmatch(stdout.String())
	if note == nil || !strings.Contains(stdout.String(), "archive (directory): ok") {
		t.Fatalf("the report on an empty week does not say which weeks hold usage:\n%s", stdout.String())
	}
	stdout.Reset()
	if err := run(context.Background(), append([]string{"report", "run", "weekly", "--period", note[1]}, base...), func(string) string { return "" }, &stdout, &stderr); err != nil {
		t.Fatalf("--period %s: %v\n%s", note[1], err, stderr.String())
	}
	if strings.Contains(stdout.String(), "holds no usage") || !strings.Contains(stdout.String(), "weekly 2011-W13: ok") {
		t.Errorf("--period %s:\n%s", note[1], stdout.String())
	}
	if runs, _ := filepath.Glob(filepath.Join("reports-out", "weekly", "*")); len(runs) != 2 {
		t.Errorf("reports-out holds %v; want the two runs", runs)
	}
}
