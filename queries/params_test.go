package queries

import (
	"strings"
	"testing"
	"time"
)

func TestFormatParam(t *testing.T) {
	s := "x"
	cases := []struct {
		name string
		in   any
		want string
	}{
		{"nil", nil, `\N`},
		{"nil pointer", (*string)(nil), `\N`},
		{"pointer", &s, "x"},
		{"string escapes", "a\\b\tc\nd\re\x00f'g", `a\\b\tc\nd\re\0f'g`},
		{"bytes", []byte("a\tb"), `a\tb`},
		{"int", -42, "-42"},
		{"uint64", ^uint64(0), "18446744073709551615"},
		{"float", 0.1, "0.1"},
		{"bool", true, "true"},
		{"midnight is a date", time.Date(2010, 7, 1, 0, 0, 0, 0, time.UTC), "2010-07-01"},
		{"time in UTC", time.Date(2010, 7, 1, 8, 30, 0, 5_000_000, time.FixedZone("CST", 8*3600)), "2010-07-01 00:30:00.005"},
		{"string array", []string{"it's", `b\c`}, `['it\'s','b\\c']`},
		{"empty array", []string{}, `[]`},
		{"nested", [][]int{{1}, {2, 3}}, `[[1],[2,3]]`},
		{"map sorted", map[string]int{"b": 2, "a": 1}, `{'a':1,'b':2}`},
		{"array with NULL", []*string{nil, &s}, `[NULL,'x']`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FormatParam(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
	if _, err := FormatParam(struct{}{}); err == nil || !strings.Contains(err.Error(), "struct") {
		t.Fatalf("a struct parameter: %v", err)
	}
}

func TestQuoteIdentifier(t *testing.T) {
	for in, want := range map[string]string{"usage": "`usage`", "we`ird\\": "`we\\`ird\\\\`"} {
		if got := QuoteIdentifier(in); got != want {
			t.Errorf("QuoteIdentifier(%q) = %q, want %q", in, got, want)
		}
	}
}
