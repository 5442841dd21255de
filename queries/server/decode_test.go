package server

import (
	"math/big"
	"net"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/imscope/imscope/queries/rowbinary"
)

// TestDecode feeds decode values of the Go types clickhouse-go scans each
// ClickHouse type into (its ScanType) and checks the canonical result.
func TestDecode(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	s := "x"
	ps := &s
	huge, _ := new(big.Int).SetString("170141183460469231731687303715884105727", 10)
	tests := []struct {
		typ  string
		in   any // what clickhouse-go scanned, as a value of the ScanType
		want any
	}{
		{"Int8", int8(-1), int64(-1)},
		{"Int64", int64(-5), int64(-5)},
		{"UInt8", uint8(200), uint64(200)},
		{"UInt64", uint64(1 << 63), uint64(1 << 63)},
		{"Float32", float32(1.5), 1.5},
		{"Float64", 0.1, 0.1},
		{"Bool", true, true},
		{"String", "s", "s"},
		{"FixedString(3)", "ab\x00", "ab\x00"},
		{"LowCardinality(String)", "lc", "lc"},
		{"Enum8('a' = 1)", "a", "a"},
		{"UUID", uuid.MustParse("61f0c404-5cb3-11e7-907b-a6006ad3dba0"), "61f0c404-5cb3-11e7-907b-a6006ad3dba0"},
		{"Decimal(9, 2)", decimal.New(1235, -2), 12.35},
		{"Decimal(18, 4)", decimal.New(-1, -4), -0.0001},
		{"IPv4", net.IPv4(1, 2, 3, 4), "1.2.3.4"},
		{"Int128", big.NewInt(-7), int64(-7)},
		{"UInt128", new(big.Int).SetUint64(1 << 63), uint64(1 << 63)},
		{"Int128", huge, "170141183460469231731687303715884105727"},
		// A Date arrives as midnight in the server's zone: keep the day.
		{"Date", time.Date(2020, 1, 2, 0, 0, 0, 0, tokyo), time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)},
		{"Date32", time.Date(1950, 6, 1, 0, 0, 0, 0, tokyo), time.Date(1950, 6, 1, 0, 0, 0, 0, time.UTC)},
		// A DateTime is an instant: the same instant in UTC.
		{"DateTime", time.Date(2020, 1, 2, 9, 0, 0, 0, tokyo), time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)},
		{"DateTime64(3, 'Asia/Tokyo')", time.Date(2020, 1, 2, 9, 0, 0, 5e6, tokyo), time.Date(2020, 1, 2, 0, 0, 0, 5e6, time.UTC)},
		// NULL is nil whatever the pointer depth.
		{"Nullable(String)", (*string)(nil), nil},
		{"Nullable(String)", ps, "x"},
		{"Nullable(Nothing)", (*any)(nil), nil},
		{"Nullable(Date)", &time.Time{}, time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"LowCardinality(Nullable(String))", (*string)(nil), nil},
		{"Nullable(Int128)", (*big.Int)(nil), nil},
		// Containers.
		{"Array(UInt8)", []uint8{1, 2}, []any{uint64(1), uint64(2)}},
		{"Array(Nullable(String))", []*string{nil, ps}, []any{nil, "x"}},
		{"Array(Array(Int32))", [][]int32{{1}, {}}, []any{[]any{int64(1)}, []any{}}},
		{"Array(Date)", []time.Time{time.Date(2020, 1, 2, 0, 0, 0, 0, tokyo)}, []any{time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)}},
		{"Map(String, UInt64)", map[string]uint64{"a": 1}, map[any]any{"a": uint64(1)}},
		{"Map(LowCardinality(String), Nullable(String))", map[string]*string{"a": nil, "b": ps}, map[any]any{"a": nil, "b": "x"}},
		{"Map(String, Array(Int8))", map[string][]int8{"k": {-1}}, map[any]any{"k": []any{int64(-1)}}},
		{"Tuple(UInt8, String)", []any{uint8(7), "x"}, []any{uint64(7), "x"}},
		{"Tuple(b String, a Int16)", map[string]any{"a": int16(-2), "b": "y"}, []any{"y", int64(-2)}},
		{"Array(Tuple(UInt8, Nullable(String)))", []any{[]any{uint8(1), (*string)(nil)}}, []any{[]any{uint64(1), nil}}},
	}
	for _, tt := range tests {
		tp, err := rowbinary.ParseAny(tt.typ)
		if err != nil {
			t.Fatal(err)
		}
		// As rows.Next does: a pointer to a fresh value of the scan type.
		v := reflect.New(reflect.TypeOf(tt.in))
		v.Elem().Set(reflect.ValueOf(tt.in))
		got := decode(tp, v.Elem())
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("decode(%s, %#v) = %T %#v, want %T %#v", tt.typ, tt.in, got, got, tt.want, tt.want)
		}
	}
}

// TestDecodeUnknownType checks the fallback for types the parser does not
// know: the Go value is converted by its kind alone.
func TestDecodeUnknownType(t *testing.T) {
	tests := []struct {
		in   any
		want any
	}{
		{int16(-3), int64(-3)},
		{[]byte("raw"), "raw"},
		{map[string][]uint32{"a": {1}}, map[any]any{"a": []any{uint64(1)}}},
		{time.Date(2020, 1, 2, 9, 0, 0, 0, time.FixedZone("x", 3600)), time.Date(2020, 1, 2, 8, 0, 0, 0, time.UTC)},
		{[2]float64{1, 2}, []any{1.0, 2.0}},
	}
	for _, tt := range tests {
		if got := decode(nil, reflect.ValueOf(tt.in)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("decode(nil, %#v) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
	if got := decode(nil, reflect.Value{}); got != nil {
		t.Errorf("decode of nothing = %#v", got)
	}
}
