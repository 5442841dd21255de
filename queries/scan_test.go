package queries

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestScanValue(t *testing.T) {
	ts := time.Date(2010, 7, 1, 0, 0, 0, 0, time.UTC)
	type named string
	cases := []struct {
		name string
		src  any
		dest any
		want any
	}{
		{"string", "qq", new(string), "qq"},
		{"named string", "qq", new(named), named("qq")},
		{"uint64 to int", uint64(5), new(int), 5},
		{"int64 to float", int64(-2), new(float64), -2.0},
		{"float32", 1.5, new(float32), float32(1.5)},
		{"time", ts, new(time.Time), ts},
		{"null to pointer", nil, new(*string), (*string)(nil)},
		{"value to pointer", "x", new(*string), ptr("x")},
		{"array", []any{"a", "b"}, new([]string), []string{"a", "b"}},
		{"nested array", []any{[]any{uint64(1)}}, new([][]uint16), [][]uint16{{1}}},
		{"map", map[any]any{"k": uint64(2)}, new(map[string]int), map[string]int{"k": 2}},
		{"any", uint64(3), new(any), uint64(3)},
		{"bytes", "raw", new([]byte), []byte("raw")},
		{"bool from uint8", uint64(1), new(bool), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := ScanValue(tc.dest, tc.src); err != nil {
				t.Fatal(err)
			}
			if got := reflect.ValueOf(tc.dest).Elem().Interface(); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %#v, want %#v", got, tc.want)
			}
		})
	}
	bad := []struct {
		name string
		src  any
		dest any
		want string
	}{
		{"overflow", uint64(300), new(uint8), "cannot scan uint64 into uint8"},
		{"negative to unsigned", int64(-1), new(uint64), "cannot scan int64"},
		{"null to value", nil, new(string), "use a pointer"},
		{"string to int", "5", new(int), "cannot scan string"},
		{"not a pointer", "x", "y", "non-nil pointer"},
		{"bad element", []any{"a", uint64(1)}, new([]string), "element 1"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			err := ScanValue(tc.dest, tc.src)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
