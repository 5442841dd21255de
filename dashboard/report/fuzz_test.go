package report

import (
	"testing"
	"time"
)

// FuzzParsePeriod: a label either names a period whose own label is the
// input and whose previous period ends where it starts, or is refused.
//
//	go test ./dashboard/report -run '^$' -fuzz FuzzParsePeriod -fuzztime 30s
func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2026-03-01", "2026-W09", "2026-W53", "2026-03", "2026-Q1", "2026", "2026-13", "2026-02-30", "0000-W01"} {
		f.Add(s)
	}
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, label string) {
		p, err := ParsePeriod(label, loc)
		if err != nil {
			return
		}
		if p.Current.Label != label || !p.Previous.To.Equal(p.Current.From) || !p.Current.From.Before(p.Current.To) {
			t.Errorf("%q: %+v", label, p)
		}
	})
}
