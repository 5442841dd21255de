package server

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/imscope/imscope/queries/rowbinary"
)

type namedString string
type namedInt int16

func TestConvert(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	note := "x"
	tests := []struct {
		typ  string
		in   any
		want any
	}{
		// Integers of any Go width become the column's exact width.
		{"Int8", 5, int8(5)},
		{"Int8", int64(-128), int8(-128)},
		{"Int16", uint8(200), int16(200)},
		{"Int32", namedInt(-7), int32(-7)},
		{"Int64", uint64(math.MaxInt64), int64(math.MaxInt64)},
		{"UInt8", 255, uint8(255)},
		{"UInt8", true, uint8(1)},
		{"UInt16", int64(65535), uint16(65535)},
		{"UInt32", uint(7), uint32(7)},
		{"UInt64", uint64(math.MaxUint64), uint64(math.MaxUint64)},
		{"Float32", 1.5, float32(1.5)},
		{"Float64", 3, float64(3)},
		{"Float64", float32(0.5), 0.5},
		{"Bool", true, true},
		{"String", "s", "s"},
		{"String", []byte("b"), "b"},
		{"String", namedString("net-1"), "net-1"},
		{"LowCardinality(String)", namedString("lc"), "lc"},
		{"FixedString(4)", "ab", "ab"},
		{"FixedString(2)", [2]byte{'x', 'y'}, "xy"},
		// Enums take a label or a code and hand clickhouse-go the label.
		{"Enum8('call' = 1, 'chat' = 2)", "chat", "chat"},
		{"Enum8('call' = 1, 'chat' = 2)", namedString("call"), "call"},
		{"Enum16('a' = 1000)", 1000, "a"},
		// Times in UTC, cut to what the column keeps.
		{"DateTime", time.Date(2024, 5, 7, 1, 0, 0, 500, tokyo), time.Date(2024, 5, 6, 16, 0, 0, 0, time.UTC)},
		{"DateTime('Europe/Paris')", time.Unix(0, 0), time.Unix(0, 0).UTC()},
		{"DateTime64(3)", time.Date(2024, 5, 6, 1, 2, 3, 456789000, time.UTC), time.Date(2024, 5, 6, 1, 2, 3, 456000000, time.UTC)},
		{"DateTime64(9, 'UTC')", time.Date(2024, 5, 6, 1, 2, 3, 456789123, tokyo), time.Date(2024, 5, 5, 16, 2, 3, 456789123, time.UTC)},
		{"Date", time.Date(2024, 5, 7, 1, 0, 0, 0, tokyo), time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC)},
		{"Date32", time.Date(1950, 1, 2, 12, 0, 0, 0, time.UTC), time.Date(1950, 1, 2, 0, 0, 0, 0, time.UTC)},
		// Decimals rounded to the scale like the embedded engine.
		{"Decimal(9, 2)", 12.345, decimal.New(1235, -2)},
		{"Decimal(18, 4)", int64(-3), decimal.New(-30000, -4)},
		{"Decimal64(1)", float32(0.25), decimal.New(3, -1)},
		{"UUID", "61F0C404-5CB3-11E7-907B-A6006AD3DBA0", "61f0c404-5cb3-11e7-907b-a6006ad3dba0"},
		{"UUID", "61f0c4045cb311e7907ba6006ad3dba0", "61f0c404-5cb3-11e7-907b-a6006ad3dba0"},
		{"UUID", [16]byte{0x61, 0xf0, 0xc4, 0x04, 0x5c, 0xb3, 0x11, 0xe7, 0x90, 0x7b, 0xa6, 0, 0x6a, 0xd3, 0xdb, 0xa0}, "61f0c404-5cb3-11e7-907b-a6006ad3dba0"},
		// NULL for Nullable columns; pointers are followed.
		{"Nullable(String)", nil, nil},
		{"Nullable(String)", (*string)(nil), nil},
		{"Nullable(String)", &note, "x"},
		{"Nullable(Int32)", 4, int32(4)},
		{"LowCardinality(Nullable(String))", nil, nil},
		{"SimpleAggregateFunction(sum, UInt64)", 3, uint64(3)},
		// Containers are rebuilt with converted elements.
		{"Array(String)", []string{"a"}, []string{"a"}},
		{"Array(Float64)", []float64{1}, []float64{1}},
		{"Array(LowCardinality(String))", []namedString{"a", "b"}, []any{"a", "b"}},
		{"Array(Int32)", []int{1, 2}, []any{int32(1), int32(2)}},
		{"Array(Nullable(Int32))", []any{nil, 3}, []any{nil, int32(3)}},
		{"Array(Array(UInt8))", [][]int{{1}, {}}, []any{[]any{uint8(1)}, []any{}}},
		{"Array(String)", [2]string{"x", "y"}, []any{"x", "y"}},
		{"Tuple(UInt8, String)", []any{7, namedString("x")}, []any{uint8(7), "x"}},
		{"Tuple(a Int64, b Array(String))", [2]any{1, []string{"z"}}, []any{int64(1), []string{"z"}}},
		// Types the embedded engine does not store go through untouched.
		{"IPv4", "1.2.3.4", "1.2.3.4"},
		{"Int128", 5, 5},
	}
	for _, tt := range tests {
		tp, err := rowbinary.ParseAny(tt.typ)
		if err != nil {
			t.Fatal(err)
		}
		got, err := convert(tp, tt.in)
		if err != nil {
			t.Errorf("convert(%s, %#v): %v", tt.typ, tt.in, err)
			continue
		}
		if d, ok := tt.want.(decimal.Decimal); ok {
			if g, ok := got.(decimal.Decimal); !ok || !g.Equal(d) {
				t.Errorf("convert(%s, %#v) = %T %v, want %v", tt.typ, tt.in, got, got, d)
			}
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("convert(%s, %#v) = %T %#v, want %T %#v", tt.typ, tt.in, got, got, tt.want, tt.want)
		}
	}
}

func TestConvertMap(t *testing.T) {
	tp, err := rowbinary.ParseAny("Map(LowCardinality(String), Array(UInt16))")
	if err != nil {
		t.Fatal(err)
	}
	got, err := convert(tp, map[namedString][]int{"a": {1, 2}, "b": nil})
	if err != nil {
		t.Fatal(err)
	}
	p, ok := got.(*pairs)
	if !ok {
		t.Fatalf("%T, want *pairs", got)
	}
	m := map[any]any{}
	for it := p.Iterator(); it.Next(); {
		m[it.Key()] = it.Value()
	}
	want := map[any]any{"a": []any{uint16(1), uint16(2)}, "b": []any{}}
	if !reflect.DeepEqual(m, want) {
		t.Fatalf("%#v, want %#v", m, want)
	}
	if got, err := convert(tp, map[string][]int(nil)); err != nil || len(got.(*pairs).keys) != 0 {
		t.Fatalf("nil map: %v %v", got, err)
	}
}
