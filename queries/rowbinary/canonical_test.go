package rowbinary

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// refusals are values that do not fit their column, with (part of) the
// error both engines give for them.
var refusals = []struct {
	typ  string
	in   any
	want string
}{
	{"Int8", 128, "128 is out of range for Int8"},
	{"Int32", int64(math.MaxInt32 + 1), "2147483648 is out of range for Int32"},
	{"Int64", uint64(math.MaxUint64), "18446744073709551615 is out of range for Int64"},
	{"Int64", 1.5, "cannot store float64 in Int64"},
	{"Int64", "5", "cannot store string in Int64"},
	{"Int64", true, "cannot store bool in Int64"},
	{"UInt8", -1, "-1 is out of range for UInt8"},
	{"UInt16", 70000, "70000 is out of range for UInt16"},
	{"UInt64", 1.0, "cannot store float64 in UInt64"},
	{"Float64", "1", "cannot store string in Float64"},
	{"Bool", 1, "cannot store int in Bool"},
	{"String", 5, "cannot store int in String"},
	{"String", nil, "NULL given for String, which is not Nullable"},
	{"String", (*string)(nil), "NULL given for String, which is not Nullable"},
	{"LowCardinality(String)", nil, "NULL given for String, which is not Nullable"},
	{"FixedString(2)", "abc", "3 bytes do not fit FixedString(2)"},
	{"FixedString(2)", 5, "cannot store int in FixedString(2)"},
	{"Enum8('a' = 1)", "b", `"b" is not a value of Enum8('a' = 1)`},
	{"Enum8('a' = 1)", 2, "2 is not a value of Enum8('a' = 1)"},
	{"Enum8('a' = 1)", 300, "300 is out of range for Enum8('a' = 1)"},
	{"Date", "2024-01-01", "cannot store string in Date"},
	{"Date", time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC), "1969-12-31 is out of range for Date"},
	{"Date", time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC), "2200-01-01 is out of range for Date"},
	{"Date", time.Time{}, "0001-01-01 is out of range for Date"},
	{"DateTime", time.Date(2107, 1, 1, 0, 0, 0, 0, time.UTC), "out of range for DateTime"},
	{"DateTime", nil, "NULL given for DateTime, which is not Nullable"},
	{"Decimal(9, 2)", 1e8, "out of range for Decimal(9, 2)"},
	{"Decimal(18, 2)", 1e17, "out of range for Decimal(18, 2)"},
	{"Decimal(9, 2)", "1.5", "cannot store string in Decimal(9, 2)"},
	{"UUID", "xyz", `"xyz" is not a UUID`},
	{"UUID", "61f0c404-5cb3-11e7-907b-a6006ad3dbzz", "is not a UUID"},
	{"UUID", 5, "cannot store int in UUID"},
	{"Array(String)", "abc", "cannot store string in Array(String)"},
	{"Array(Int8)", []int{1, 300}, "array element 1: 300 is out of range for Int8"},
	{"Array(String)", nil, "NULL given for Array(String), which is not Nullable"},
	{"Map(String, UInt8)", []string{"a"}, "cannot store []string in Map(String, UInt8)"},
	{"Map(String, UInt8)", map[string]int{"a": 256}, "map value: 256 is out of range for UInt8"},
	{"Map(UInt8, String)", map[int]string{-1: "a"}, "map key: -1 is out of range for UInt8"},
	{"Tuple(UInt8, String)", []any{1}, "Tuple(UInt8, String) needs a slice of 2 values, not []interface {}"},
	{"Tuple(UInt8, String)", []any{1, 2}, "tuple element 1: cannot store int in String"},
	{"IPv4", nil, "NULL given for IPv4, which is not Nullable"},
}

func TestCanonicalRefuses(t *testing.T) {
	for _, tt := range refusals {
		tp, err := ParseAny(tt.typ)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tp.Canonical(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Canonical(%s, %#v) = %#v, %v; want an error containing %q", tt.typ, tt.in, got, err, tt.want)
		}
	}
}

type namedString string

// TestEncodeAgreesWithCanonical: Encode refuses exactly what Canonical
// refuses, with the same error, and writes what Canonical gives: the bytes
// of v and of its canonical value are the same.
func TestEncodeAgreesWithCanonical(t *testing.T) {
	note := "x"
	cases := []struct {
		typ string
		in  any
	}{
		{"Int8", int64(-128)},
		{"Int32", namedString("7")},
		{"UInt8", true},
		{"UInt64", uint(7)},
		{"Float32", 3},
		{"String", namedString("net-1")},
		{"String", []byte("b")},
		{"String", (*string)(nil)},
		{"LowCardinality(String)", nil},
		{"LowCardinality(Nullable(String))", &note},
		{"SimpleAggregateFunction(sum, UInt64)", -1},
		{"FixedString(3)", [2]byte{'x', 'y'}},
		{"FixedString(3)", namedString("x")},
		{"Enum8('call' = 1, 'chat' = 2)", namedString("chat")},
		{"Enum16('' = 0, 'a' = 1000)", 0},
		{"Date", time.Date(2024, 5, 7, 1, 0, 0, 0, time.FixedZone("JST", 9*3600))},
		{"Date32", time.Date(1950, 1, 2, 12, 0, 0, 0, time.UTC)},
		{"DateTime('Asia/Tokyo')", time.Date(2024, 5, 7, 1, 2, 3, 999, time.UTC)},
		{"DateTime64(3)", time.Date(1969, 12, 31, 23, 59, 59, 999_999_999, time.UTC)},
		{"Decimal(9, 2)", 12.345},
		{"Decimal64(4)", int64(-3)},
		{"Decimal(9, 2)", math.NaN()},
		{"UUID", [16]byte{0x61, 0xf0, 15: 0xa0}},
		{"UUID", "61F0C404-5CB3-11E7-907B-A6006AD3DBA0"},
		{"Nullable(UUID)", nil},
		{"Array(String)", []string{"a", "b"}},
		{"Array(FixedString(1))", []string{"a", "bc"}},
		{"Array(Float32)", []float64{1.5}},
		{"Array(LowCardinality(String))", [2]namedString{"a", "b"}},
		{"Array(Nullable(Int32))", []any{nil, 3}},
		{"Map(String, Array(UInt8))", map[namedString][]int{"k": {1, 2}}},
		{"Map(UInt8, String)", map[int]string{300: "a"}},
		{"Tuple(a Int64, b Array(String))", [2]any{1, []string{"z"}}},
	}
	for _, tt := range refusals {
		cases = append(cases, struct {
			typ string
			in  any
		}{tt.typ, tt.in})
	}
	for _, tt := range cases {
		tp, err := Parse(tt.typ)
		if err != nil {
			continue // types Encode has no rules for
		}
		enc, encErr := tp.Encode(nil, tt.in)
		cv, canErr := tp.Canonical(tt.in)
		if (encErr == nil) != (canErr == nil) || encErr != nil && encErr.Error() != canErr.Error() {
			t.Errorf("%s, %#v: Encode: %v; Canonical: %v", tt.typ, tt.in, encErr, canErr)
			continue
		}
		if encErr != nil {
			continue
		}
		again, err := tp.Encode(nil, encodable(tp, cv))
		if err != nil || !bytes.Equal(enc, again) {
			t.Errorf("%s, %#v: encodes as % x, its canonical value %#v as % x (%v)", tt.typ, tt.in, enc, cv, again, err)
		}
	}
}

// encodable turns a canonical value back into a value Encode takes, for the
// two kinds it does not take as such: decimal.Decimal and *Pairs.
func encodable(t *Type, cv any) any {
	switch x := cv.(type) {
	case decimal.Decimal:
		return x.InexactFloat64()
	case *Pairs:
		m := make(map[any]any, len(x.Keys))
		for i, k := range x.Keys {
			m[k] = encodable(t.elem(), x.Values[i])
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			et := t.elem()
			if t.kind == kTuple {
				et = t.args[i]
			}
			out[i] = encodable(et, e)
		}
		return out
	}
	if t.kind == kNullable && cv != nil {
		return encodable(t.elem(), cv)
	}
	return cv
}
