package csvimport

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
)

// FuzzReadCSV feeds arbitrary bytes to the importer as a file of each kind
// (with the kind's header put in front when withHeader is set, so that the
// fuzzer spends its time on rows): it never panics, and every record either
// lands as a valid row or is reported as a Problem.
//
//	go test ./collector/csvimport -run '^$' -fuzz FuzzReadCSV -fuzztime 1m
func FuzzReadCSV(f *testing.F) {
	for _, name := range []string{"im-share-q3.csv", "reports-bad.csv", "panel.csv", "panel-bad.csv", "usage.csv", "usage-bad.csv", "events.csv", "events-bad.csv"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, false)
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			f.Add(data[i+1:], true)
		}
	}
	f.Add([]byte("\uFEFF"), false)
	f.Add([]byte("2010-Q3,\"a\"\"b\nc\",x,\"\x00\",1,lt,\"</script>\"\r\n,,,\n\"open"), true)
	f.Add([]byte("2010-07-01T00:00:00Z,qq,messages,1e309\n2010-07,u,qq,,31,18446744073709551616\n"), true)

	f.Fuzz(func(t *testing.T, data []byte, withHeader bool) {
		for _, kind := range Kinds {
			input := data
			if withHeader {
				var h []string
				for _, c := range kindColumns[kind] {
					h = append(h, c.name)
				}
				input = append([]byte(strings.Join(h, ",")+"\n"), data...)
			}
			checkImport(t, kind, input)
		}
	})
}

// checkImport imports data as a file of the given kind and checks the
// importer's promises about it: the summary adds up to the records a plain
// CSV reader sees, every rejected record is reported as a problem, and what
// landed is valid. Each promise is checked by a function of its own.
func checkImport(t *testing.T, kind Kind, data []byte) {
	got, sum, err := importFuzzed(t, kind, data)
	if err != nil {
		// Only the header (or an input that is not CSV at all) may fail
		// the whole import, and then nothing is emitted.
		if got.Rows() > 0 || sum.Records > 0 {
			t.Fatalf("error %v after %d records", err, sum.Records)
		}
		return
	}
	records := countCSVRecords(data)
	if sum.Records != records || sum.Landed+sum.Rejected+sum.Blank != sum.Records || int64(got.Rows()) != sum.Landed {
		t.Fatalf("%d records by csv, summary %+v, %d rows emitted", records, sum, got.Rows())
	}
	checkImportProblems(t, got.Problems, sum)
	checkLandedReports(t, got.Reports)
	checkLandedPanel(t, got.Panel)
	checkLandedSamples(t, got.Samples)
	checkLandedEvents(t, got.Events)
}

// importFuzzed runs the importer over data in chunks of 7 rows and returns
// every batch it emitted merged into one, failing t on an empty batch.
func importFuzzed(t *testing.T, kind Kind, data []byte) (collector.Batch, Summary, error) {
	src, err := New("fuzz", Config{Kind: kind, Path: "fuzz.csv", ChunkRows: 7}, Options{Getenv: testEnv})
	if err != nil {
		t.Fatal(err)
	}
	var got collector.Batch
	open := func(context.Context) (*input, error) {
		return &input{r: io.NopCloser(bytes.NewReader(data)), size: int64(len(data))}, nil
	}
	sum, _, err := src.scan(context.Background(), open, func(_ context.Context, b collector.Batch) error {
		if b.Rows()+len(b.Problems) == 0 {
			t.Error("empty batch emitted")
		}
		got.Samples = append(got.Samples, b.Samples...)
		got.Panel = append(got.Panel, b.Panel...)
		got.Reports = append(got.Reports, b.Reports...)
		got.Events = append(got.Events, b.Events...)
		got.Problems = append(got.Problems, b.Problems...)
		return nil
	})
	return got, sum, err
}

// countCSVRecords counts the records after the header independently of the
// importer, with encoding/csv.
func countCSVRecords(data []byte) int64 {
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, utf8BOM)))
	cr.FieldsPerRecord = -1
	records := int64(-1) // the header
	for {
		if _, err := cr.Read(); errors.Is(err, io.EOF) {
			break
		}
		records++
	}
	return records
}

// checkImportProblems checks that every problem says where it is and that
// there are problems about records exactly when records were rejected (notes
// starting "ignored " are about columns, not records).
func checkImportProblems(t *testing.T, problems []collector.Problem, sum Summary) {
	rowProblems := 0
	for _, p := range problems {
		if !strings.HasPrefix(p.Where, "fuzz.csv:") || p.Message == "" {
			t.Fatalf("problem %v", p)
		}
		if !strings.HasPrefix(p.Message, "ignored ") {
			rowProblems++
		}
	}
	if int64(rowProblems) < sum.Rejected || (sum.Rejected == 0) != (rowProblems == 0) {
		t.Fatalf("%d bad records but %d problems: %v", sum.Rejected, rowProblems, problems)
	}
}

// checkLandedText fails t if any of s is not valid UTF-8: the importer must
// reject or repair such text rather than store it.
func checkLandedText(t *testing.T, s ...string) {
	t.Helper()
	for _, v := range s {
		if !utf8.ValidString(v) {
			t.Fatalf("invalid UTF-8 landed: %q", v)
		}
	}
}

// checkLandedReports checks that every published share that landed is
// valid text with a share in [0, 100], a known bound, a period and a network.
func checkLandedReports(t *testing.T, reports []imscope.MarketReport) {
	for _, r := range reports {
		checkLandedText(t, r.Period, r.Publisher, r.Basis, r.Network, r.Note)
		if !(r.Share >= 0 && r.Share <= 100) || (r.Bound != "eq" && r.Bound != "lt" && r.Bound != "gt") || r.PeriodStart.IsZero() ||
			strings.TrimSpace(r.Network) == "" {
			t.Fatalf("bad report landed: %+v", r)
		}
	}
}

// checkLandedPanel checks that every panel record that landed is valid text
// with a user, at most a leap year of active days and a period in range.
func checkLandedPanel(t *testing.T, panel []imscope.PanelRecord) {
	for _, p := range panel {
		checkLandedText(t, p.Network, p.Segment)
		if p.UserKey == 0 || p.ActiveDays > 366 || p.Period.IsZero() || p.Period.Year() < minPeriodYear {
			t.Fatalf("bad panel record landed: %+v", p)
		}
	}
}

// checkLandedSamples checks that every usage sample that landed is valid
// text with a finite non-negative value, a metric and a time in range.
func checkLandedSamples(t *testing.T, samples []imscope.Sample) {
	for _, s := range samples {
		checkLandedText(t, s.Network, s.Segment)
		if s.Value < 0 || math.IsInf(s.Value, 0) || math.IsNaN(s.Value) || s.Metric == "" || s.TS.Year() < minTSYear || s.TS.Year() > maxTSYear {
			t.Fatalf("bad sample landed: %+v", s)
		}
	}
}

// checkLandedEvents checks that every event that landed is valid text with
// a title, an id and a time in range.
func checkLandedEvents(t *testing.T, events []imscope.Event) {
	for _, e := range events {
		checkLandedText(t, e.ID, e.Title, e.Description, e.Link)
		checkLandedText(t, e.Networks...)
		checkLandedText(t, e.Bridges...)
		if strings.TrimSpace(e.Title) == "" || e.ID == "" || e.At.Year() < minTSYear || e.At.Year() > maxTSYear {
			t.Fatalf("bad event landed: %+v", e)
		}
	}
}
