package csvimport

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/enginetest"
)

// TestEventsFile: the example events (docs/examples/events.csv) are read
// as dates with their networks and link; a bad file's rows are each
// reported by line, column and field, and its one good row — a hostile
// title, with a time and an id of its own — lands as written.
func TestEventsFile(t *testing.T) {
	res := run(t, Config{Kind: KindEvents, Path: "testdata/events.csv"}, Options{})
	if res.err != nil || len(res.all.Problems) != 0 {
		t.Fatalf("%v %v", res.err, res.all.Problems)
	}
	evs := res.all.Events
	if len(evs) != 2 {
		t.Fatalf("%d events, want 2", len(evs))
	}
	war := evs[1]
	if war.Title != "3Q war: QQ makes its users choose" || !war.DateOnly || !war.At.Equal(time.Date(2010, 11, 3, 0, 0, 0, 0, time.UTC)) ||
		!slices.Equal(war.Networks, []string{"qq"}) || war.Link != "https://en.wikipedia.org/wiki/360_v._Tencent" || len(war.ID) != 16 {
		t.Errorf("event %+v", war)
	}

	bad := run(t, Config{Kind: KindEvents, Path: "testdata/events-bad.csv"}, Options{})
	if bad.err != nil {
		t.Fatal(bad.err)
	}
	var got []string
	for _, p := range bad.all.Problems {
		got = append(got, p.Error())
	}
	want := []string{
		`testdata/events-bad.csv:2:1: date: "2010-13-01" is not an RFC 3339 time (2010-07-01T08:00:00Z) or a date (2010-07-01)`,
		`testdata/events-bad.csv:3:2: title: empty`,
		`testdata/events-bad.csv:4:4: link: "javascript:alert(1)" is not an http or https address`,
		`testdata/events-bad.csv:5:3: networks: "<b>" is not an id (letters, digits, '.', '_' and '-'); separate ids with spaces or ;`,
		`testdata/events-bad.csv:7:5: id: "a/b" is not an id (at most 64 letters, digits, '.', '_' and '-')`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(bad.all.Events) != 1 {
		t.Fatalf("%d events landed, want 1", len(bad.all.Events))
	}
	h := bad.all.Events[0]
	if h.Title != "</script><img src=x onerror=alert(1)>" || h.DateOnly || !h.At.Equal(time.Date(2010, 11, 6, 0, 0, 0, 0, time.UTC)) ||
		h.ID != "my-id" || !slices.Equal(h.Networks, []string{"qq", "msn"}) {
		t.Errorf("hostile event %+v", h)
	}
}

// TestEventsImport: the example file through the real runner and writer
// into the real engine: the first import stores both events, the second
// finds them stored and stores nothing, and a file correcting one's
// description replaces it, with a warning.
func TestEventsImport(t *testing.T) {
	ctx := context.Background()
	e := enginetest.Migrated(t, benchDataDir, "csvimport_events")
	r := collector.NewRunner(e, collector.NewWriter(e, collector.WriterOptions{}), nil, nil)
	importFile := func(path string) collector.Run {
		t.Helper()
		src, err := New("import", Config{Path: path, Kind: KindEvents}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return r.Run(ctx, collector.Collector{Name: "import", Kind: "csv", Target: "events.csv", Source: src})
	}
	if run := importFile("testdata/events.csv"); run.Status != "ok" || run.Stored != 2 || run.Existing != 0 {
		t.Fatalf("first import: %s, %d stored, %d existing: %s %q", run.Status, run.Stored, run.Existing, run.Error, run.Warnings)
	}
	if run := importFile("testdata/events.csv"); run.Status != "ok" || run.Stored != 0 || run.Existing != 2 {
		t.Fatalf("second import: %s, %d stored, %d existing: %s %q", run.Status, run.Stored, run.Existing, run.Error, run.Warnings)
	}
	corrected := writeFile(t, "events.csv", []byte("date,title,description,networks\n2010-11-03,3Q war: QQ makes its users choose,corrected,qq\n"))
	run := importFile(corrected)
	if run.Status != "ok" || run.Stored != 1 || len(run.Warnings) != 1 || !strings.Contains(run.Warnings[0], "replaced") {
		t.Fatalf("correction: %s, %d stored: %q", run.Status, run.Stored, run.Warnings)
	}
	evs, err := queries.Events(ctx, e, time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC), 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[1].Title != "3Q war: QQ makes its users choose" || evs[1].Description != "corrected" || evs[0].Description == "" {
		t.Errorf("stored events %+v", evs)
	}
}
