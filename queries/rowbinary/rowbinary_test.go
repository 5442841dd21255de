package rowbinary

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in      string
		wantErr string
	}{
		{in: "UInt64"},
		{in: "LowCardinality(String)"},
		{in: "Nullable(LowCardinality(String))", wantErr: ""},
		{in: "DateTime64(3, 'UTC')"},
		{in: "DateTime('Asia/Shanghai')"},
		{in: "Map(LowCardinality(String), Array(Nullable(Float64)))"},
		{in: "Enum8('eq' = 0, 'lt' = 1, 'it''s' = 2)"},
		{in: "Enum8('a\\'b' = -3)"},
		{in: "Tuple(a String, b UInt8)"},
		{in: "Tuple(String, UInt8)"},
		{in: "SimpleAggregateFunction(sum, UInt64)"},
		{in: "Decimal(18, 4)"},
		{in: "FixedString(16)"},
		{in: "Int128", wantErr: "not supported"},
		{in: "Array(String", wantErr: "expected"},
		{in: "DateTime64(12)", wantErr: "precision"},
		{in: "FixedString(0)", wantErr: "size"},
		{in: "Enum8('a')", wantErr: "no value"},
		{in: "UInt8 trailing", wantErr: "unexpected"},
		{in: "", wantErr: "type name"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			typ, err := Parse(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if typ.Name != tc.in {
				t.Fatalf("Name %q, want %q", typ.Name, tc.in)
			}
		})
	}
}

// TestRoundTrip encodes a value of each type and decodes it back.
func TestRoundTrip(t *testing.T) {
	ts := time.Date(2010, 9, 30, 12, 34, 56, 789_000_000, time.UTC)
	s := "腾讯"
	cases := []struct {
		typ  string
		in   any
		want any
	}{
		{"Int8", -128, int64(-128)},
		{"Int16", int16(-300), int64(-300)},
		{"Int32", 1 << 30, int64(1 << 30)},
		{"Int64", int64(-1 << 62), int64(-1 << 62)},
		{"UInt8", uint8(255), uint64(255)},
		{"UInt16", 65535, uint64(65535)},
		{"UInt32", uint32(1 << 31), uint64(1 << 31)},
		{"UInt64", ^uint64(0), ^uint64(0)},
		{"Float32", float32(1.5), 1.5},
		{"Float64", 76.37, 76.37},
		{"Bool", true, true},
		{"String", "nul\x00 and 😀", "nul\x00 and 😀"},
		{"FixedString(4)", "ab", "ab\x00\x00"},
		{"Date", time.Date(2010, 7, 1, 0, 0, 0, 0, time.UTC), time.Date(2010, 7, 1, 0, 0, 0, 0, time.UTC)},
		{"Date32", time.Date(1960, 7, 1, 0, 0, 0, 0, time.UTC), time.Date(1960, 7, 1, 0, 0, 0, 0, time.UTC)},
		{"DateTime", ts, ts.Truncate(time.Second)},
		{"DateTime64(3, 'UTC')", ts, ts},
		{"DateTime64(3, 'UTC')", time.Date(1969, 12, 31, 23, 59, 59, 500_000_000, time.UTC), time.Date(1969, 12, 31, 23, 59, 59, 500_000_000, time.UTC)},
		{"DateTime64(9)", ts.Add(123), ts.Add(123)},
		{"Decimal(9, 2)", 12.34, 12.34},
		{"Decimal64(4)", -5.0001, -5.0001},
		{"UUID", "0b2bd07c-49b2-4c8e-9f0a-6e3f1c2d4a5b", "0b2bd07c-49b2-4c8e-9f0a-6e3f1c2d4a5b"},
		{"Enum8('eq' = 0, 'lt' = 1)", "lt", "lt"},
		{"Enum16('big' = 1000)", 1000, "big"},
		{"Nullable(String)", nil, nil},
		{"Nullable(String)", &s, s},
		{"Nullable(UInt8)", (*uint8)(nil), nil},
		{"LowCardinality(String)", "qq", "qq"},
		{"Array(UInt64)", []uint64{1, 2, 3}, []any{uint64(1), uint64(2), uint64(3)}},
		{"Array(String)", []string{}, []any{}},
		{"Array(Array(Int8))", [][]int{{1}, {-1, 2}}, []any{[]any{int64(1)}, []any{int64(-1), int64(2)}}},
		{"Map(String, UInt64)", map[string]uint64{"a": 1}, map[any]any{"a": uint64(1)}},
		{"Tuple(String, Float64)", []any{"x", 2.5}, []any{"x", 2.5}},
	}
	for _, tc := range cases {
		t.Run(tc.typ, func(t *testing.T) {
			typ, err := Parse(tc.typ)
			if err != nil {
				t.Fatal(err)
			}
			buf, err := typ.Encode(nil, tc.in)
			if err != nil {
				t.Fatal(err)
			}
			r := NewReader(buf)
			got, err := typ.Decode(r)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Done() {
				t.Fatalf("%d bytes left over", len(buf)-r.pos)
			}
			if gt, ok := got.(time.Time); ok {
				if !gt.Equal(tc.want.(time.Time)) {
					t.Fatalf("got %v, want %v", gt, tc.want)
				}
				return
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

// TestEncodeRefuses: values that do not fit are errors, never stored as
// something else.
func TestEncodeRefuses(t *testing.T) {
	cases := []struct {
		typ     string
		in      any
		wantErr string
	}{
		{"UInt8", 256, "out of range"},
		{"UInt64", -1, "out of range"},
		{"Int8", 200, "out of range"},
		{"Int64", ^uint64(0), "out of range"},
		{"String", 5, "cannot store int"},
		{"Float64", "1.5", "cannot store string"},
		{"Date", time.Date(1969, 1, 1, 0, 0, 0, 0, time.UTC), "out of range"},
		{"DateTime", time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC), "out of range"},
		{"FixedString(2)", "abc", "do not fit"},
		{"Enum8('eq' = 0)", "lt", "not a value"},
		{"Enum8('eq' = 0)", 5, "not a value"},
		{"String", nil, "not Nullable"},
		{"UUID", "not-a-uuid", "not a UUID"},
		{"Decimal(9, 2)", 1e10, "out of range"},
		{"Array(UInt8)", []int{1, 300}, "array element 1"},
		{"Tuple(String, UInt8)", []any{"x"}, "needs a slice of 2"},
	}
	for _, tc := range cases {
		t.Run(tc.typ, func(t *testing.T) {
			typ, err := Parse(tc.typ)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := typ.Encode(nil, tc.in); err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("got %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestDecodeShort(t *testing.T) {
	for _, typ := range []string{"UInt64", "String", "Array(String)", "Map(String, String)", "Nullable(Float64)", "DateTime64(3)"} {
		ty, _ := Parse(typ)
		full, err := ty.Encode(nil, sample(typ))
		if err != nil {
			t.Fatal(err)
		}
		for cut := 0; cut < len(full); cut++ {
			if _, err := ty.Decode(NewReader(full[:cut])); err == nil {
				t.Fatalf("%s cut at %d of %d bytes decoded without error", typ, cut, len(full))
			}
		}
	}
}

func sample(typ string) any {
	switch typ {
	case "UInt64":
		return 7
	case "String":
		return "hello"
	case "Array(String)":
		return []string{"a", "bc"}
	case "Map(String, String)":
		return map[string]string{"k": "v"}
	case "Nullable(Float64)":
		return 1.5
	}
	return time.Unix(1, 0)
}

func TestHeader(t *testing.T) {
	// Two columns, "n" UInt8 and "s" String, then one row.
	buf := []byte{2, 1, 'n', 1, 's', 5, 'U', 'I', 'n', 't', '8', 6, 'S', 't', 'r', 'i', 'n', 'g', 42, 2, 'h', 'i'}
	r := NewReader(buf)
	names, types, err := r.Header()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(names, []string{"n", "s"}) || types[0].Name != "UInt8" || types[1].Name != "String" {
		t.Fatalf("header %v %v", names, types)
	}
	v0, _ := types[0].Decode(r)
	v1, _ := types[1].Decode(r)
	if v0 != uint64(42) || v1 != "hi" || !r.Done() {
		t.Fatalf("row %v %v", v0, v1)
	}
}
