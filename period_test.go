package imscope

import (
	"testing"
	"time"
)

func TestGranularityStartNext(t *testing.T) {
	at := time.Date(2010, 8, 19, 15, 4, 5, 0, time.FixedZone("CST", 8*3600)) // 07:04:05 UTC, a Thursday
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	cases := []struct {
		g           Granularity
		start, next time.Time
	}{
		{Day, d(2010, 8, 19), d(2010, 8, 20)},
		{Week, d(2010, 8, 16), d(2010, 8, 23)},
		{Month, d(2010, 8, 1), d(2010, 9, 1)},
		{Quarter, d(2010, 7, 1), d(2010, 10, 1)},
		{Year, d(2010, 1, 1), d(2011, 1, 1)},
	}
	for _, tc := range cases {
		t.Run(string(tc.g), func(t *testing.T) {
			if got := tc.g.Start(at); !got.Equal(tc.start) {
				t.Fatalf("Start = %v, want %v", got, tc.start)
			}
			if got := tc.g.Next(tc.start); !got.Equal(tc.next) {
				t.Fatalf("Next = %v, want %v", got, tc.next)
			}
		})
	}
	// A Sunday belongs to the week that started the Monday before.
	if got := Week.Start(d(2010, 8, 22)); !got.Equal(d(2010, 8, 16)) {
		t.Fatalf("Sunday's week starts %v", got)
	}
}

func TestFilterValidate(t *testing.T) {
	from := time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)
	ok := Filter{From: from, To: from.AddDate(1, 0, 0), Granularity: Month, Metric: "messages"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		mod   func(*Filter)
		param string
	}{
		{"no range", func(f *Filter) { f.From = time.Time{} }, "from"},
		{"to before from", func(f *Filter) { f.To = f.From.AddDate(0, 0, -1) }, "to"},
		{"bad granularity", func(f *Filter) { f.Granularity = "fortnight" }, "granularity"},
		{"unknown metric", func(f *Filter) { f.Metric = "likes" }, "metric"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := ok
			tc.mod(&f)
			err := f.Validate()
			ie, isInvalid := err.(*InvalidError)
			if !isInvalid || ie.Param != tc.param {
				t.Fatalf("got %v, want an InvalidError for %s", err, tc.param)
			}
		})
	}
}
