package queries

import (
	"testing"
	"time"
)

// BenchmarkScanValue measures ScanValue on the destinations the stores scan
// into on every row: the fast paths (*string, *int64, ...) and the reflective
// assign path (narrow integers, named types, pointers, slices and maps), so a
// refactor of assign can be compared before and after.
func BenchmarkScanValue(b *testing.B) {
	ts := time.Date(2010, 7, 1, 0, 0, 0, 0, time.UTC)
	type named string
	cases := []struct {
		name string
		src  any
		dest any
	}{
		{"fast/string", "qq", new(string)},
		{"fast/int64", uint64(5), new(int64)},
		{"reflect/int", uint64(5), new(int)},
		{"reflect/uint16", uint64(5), new(uint16)},
		{"reflect/float32", 1.5, new(float32)},
		{"reflect/bool", uint64(1), new(bool)},
		{"reflect/named", "qq", new(named)},
		{"reflect/pointer", "x", new(*string)},
		{"reflect/null pointer", nil, new(*string)},
		{"reflect/time", ts, new(*time.Time)},
		{"reflect/array", []any{"a", "b", "c", "d"}, new([]string)},
		{"reflect/bytes", "raw", new([]byte)},
		{"reflect/map", map[any]any{"k": uint64(2), "l": uint64(3)}, new(map[string]int)},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if err := ScanValue(tc.dest, tc.src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
