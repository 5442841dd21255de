package server

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	chproto "github.com/ClickHouse/ch-go/proto"
	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"github.com/ClickHouse/clickhouse-go/v2/lib/proto"

	"github.com/imscope/imscope/queries/rowbinary"
)

// TestNativeBlockRoundTrip follows batch values through everything on the
// client side of the wire, for types an 18.16 server cannot show: convert,
// clickhouse-go's column Append, the native block encoding a batch sends,
// its decoding as a result block, ScanRow into the column's ScanType and
// decode. What comes out must be the canonical value the embedded engine
// reads back for the same Append.
func TestNativeBlockRoundTrip(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	at := time.Date(2024, 5, 7, 1, 2, 3, 456789000, tokyo)
	s := "it's"
	tests := []struct {
		typ  string
		in   []any // one row each
		want []any
	}{
		{"Bool", []any{true, false}, []any{true, false}},
		{"Int16", []any{-5, namedInt(7)}, []any{int64(-5), int64(7)}},
		{"UInt64", []any{uint64(1) << 63, true}, []any{uint64(1) << 63, uint64(1)}},
		{"Float32", []any{0.5, 3}, []any{0.5, 3.0}},
		{"LowCardinality(String)", []any{"a", namedString("b"), "a", []byte("c")}, []any{"a", "b", "a", "c"}},
		{"LowCardinality(Nullable(String))", []any{nil, "x", &s, (*string)(nil)}, []any{nil, "x", "it's", nil}},
		{"Nullable(Float64)", []any{nil, 1.25}, []any{nil, 1.25}},
		{"FixedString(4)", []any{"ab", [4]byte{'w', 'x', 'y', 'z'}}, []any{"ab\x00\x00", "wxyz"}},
		{"Enum16('call' = 1, 'chat' = 1000)", []any{"chat", 1}, []any{"chat", "call"}},
		{"Date", []any{at}, []any{time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC)}},
		{"Date32", []any{time.Date(1950, 1, 2, 12, 0, 0, 0, time.UTC)}, []any{time.Date(1950, 1, 2, 0, 0, 0, 0, time.UTC)}},
		{"DateTime", []any{at}, []any{time.Date(2024, 5, 6, 16, 2, 3, 0, time.UTC)}},
		{"DateTime('Asia/Tokyo')", []any{at}, []any{time.Date(2024, 5, 6, 16, 2, 3, 0, time.UTC)}},
		{"DateTime64(3, 'UTC')", []any{at}, []any{time.Date(2024, 5, 6, 16, 2, 3, 456000000, time.UTC)}},
		{"DateTime64(6)", []any{at}, []any{time.Date(2024, 5, 6, 16, 2, 3, 456789000, time.UTC)}},
		{"Decimal(9, 2)", []any{12.345, -1}, []any{12.35, -1.0}},
		{"Nullable(Decimal(18, 4))", []any{nil, 0.0001}, []any{nil, 0.0001}},
		{"UUID", []any{"61f0c404-5cb3-11e7-907b-a6006ad3dba0"}, []any{"61f0c404-5cb3-11e7-907b-a6006ad3dba0"}},
		{"Array(LowCardinality(String))", []any{[]string{"a", "b"}, []namedString{}}, []any{[]any{"a", "b"}, []any{}}},
		{"Array(Nullable(Int32))", []any{[]any{nil, 2}}, []any{[]any{nil, int64(2)}}},
		{"Array(Array(String))", []any{[][]string{{"x"}, {}}}, []any{[]any{[]any{"x"}, []any{}}}},
		{"Map(LowCardinality(String), UInt64)", []any{map[string]int{"k": 1}, map[string]int{}}, []any{map[any]any{"k": uint64(1)}, map[any]any{}}},
		{"Map(String, Array(Nullable(UInt8)))", []any{map[namedString][]any{"a": {nil, 3}}}, []any{map[any]any{"a": []any{nil, uint64(3)}}}},
		{"Map(UInt16, String)", []any{map[int]string{7: "seven"}}, []any{map[any]any{uint64(7): "seven"}}},
		{"Array(Map(String, String))", []any{[]map[string]string{{"a": "b"}}}, []any{[]any{map[any]any{"a": "b"}}}},
		{"Tuple(UInt8, String)", []any{[]any{1, "x"}}, []any{[]any{uint64(1), "x"}}},
		{"Tuple(name String, n Nullable(Int64))", []any{[]any{"y", nil}}, []any{[]any{"y", nil}}},
		{"Array(Tuple(String, Float64))", []any{[]any{[]any{"p", 0.5}}}, []any{[]any{[]any{"p", 0.5}}}},
	}
	for _, tt := range tests {
		tp, err := rowbinary.ParseAny(tt.typ)
		if err != nil {
			t.Fatal(err)
		}
		out := proto.NewBlock()
		out.ServerContext.Timezone = tokyo
		if err := out.AddColumn("c", column.Type(tt.typ)); err != nil {
			t.Fatalf("%s: %v", tt.typ, err)
		}
		for _, v := range tt.in {
			cv, err := convert(tp, v)
			if err != nil {
				t.Fatalf("%s: convert(%#v): %v", tt.typ, v, err)
			}
			if err := out.Append(cv); err != nil {
				t.Fatalf("%s: clickhouse-go refused %#v (from %#v): %v", tt.typ, cv, v, err)
			}
		}
		var buf chproto.Buffer
		if err := out.Encode(&buf, proto.DBMS_TCP_PROTOCOL_VERSION); err != nil {
			t.Fatalf("%s: encode: %v", tt.typ, err)
		}
		in := &proto.Block{ServerContext: &column.ServerContext{Timezone: tokyo}}
		if err := in.Decode(chproto.NewReader(bytes.NewReader(buf.Buf)), proto.DBMS_TCP_PROTOCOL_VERSION); err != nil {
			t.Fatalf("%s: decode: %v", tt.typ, err)
		}
		col := in.Columns[0]
		if col.Rows() != len(tt.want) {
			t.Fatalf("%s: %d rows, want %d", tt.typ, col.Rows(), len(tt.want))
		}
		st := col.ScanType()
		if st == nil {
			st = anyPtrType
		}
		for i, want := range tt.want {
			dest := reflect.New(st)
			if err := col.ScanRow(dest.Interface(), i); err != nil {
				t.Fatalf("%s row %d: ScanRow: %v", tt.typ, i, err)
			}
			if got := decode(tp, dest.Elem()); !reflect.DeepEqual(got, want) {
				t.Errorf("%s row %d: %#v came back as %T %#v, want %T %#v", tt.typ, i, tt.in[i], got, got, want, want)
			}
		}
	}
}
