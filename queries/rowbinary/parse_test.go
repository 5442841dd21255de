package rowbinary

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestParseType(t *testing.T) {
	tests := []struct {
		in   string
		want string // a compact rendering of the parsed tree
	}{
		{"UInt64", "UInt64"},
		{"Nullable(String)", "Nullable<String>"},
		{"LowCardinality(Nullable(String))", "LowCardinality<Nullable<String>>"},
		{"Array(Array(Nullable(Int32)))", "Array<Array<Nullable<Int32>>>"},
		{"Map(LowCardinality(String), UInt64)", "Map<LowCardinality<String>,UInt64>"},
		{"Map(String, Array(Tuple(UInt8, String)))", "Map<String,Array<Tuple<UInt8,String>>>"},
		{"Tuple(UInt8, String)", "Tuple<UInt8,String>"},
		{"Tuple(a UInt8, b Array(String))", "Tuple<a:UInt8,b:Array<String>>"},
		{"Tuple(`odd name` String, n Nullable(Int64))", "Tuple<odd name:String,n:Nullable<Int64>>"},
		{"DateTime", "DateTime"},
		{"DateTime('UTC')", "DateTime"},
		{"DateTime64(3, 'Asia/Tokyo')", "DateTime64/3"},
		{"Decimal(18, 4)", "Decimal/4"},
		{"Decimal32(2)", "Decimal32/2"},
		{"FixedString(16)", "FixedString#16"},
		{"SimpleAggregateFunction(sum, UInt64)", "SimpleAggregateFunction<UInt64>"},
		{"SimpleAggregateFunction(anyLast, Nullable(String))", "SimpleAggregateFunction<Nullable<String>>"},
		{"AggregateFunction(uniq, String)", "AggregateFunction"},
		{"IPv4", "IPv4"},
		{"  Array( String )  ", "Array<String>"},
	}
	for _, tt := range tests {
		got, err := ParseAny(tt.in)
		if err != nil {
			t.Errorf("ParseAny(%q): %v", tt.in, err)
			continue
		}
		if s := render(got); s != tt.want {
			t.Errorf("ParseAny(%q) = %s, want %s", tt.in, s, tt.want)
		}
	}
}

// render draws the parsed tree: type arguments in <>, Tuple element names
// before a colon, FixedString's size after #, a scale after /.
func render(t *Type) string {
	if t.wraps != nil {
		return t.wrapper + "<" + render(t.wraps) + ">"
	}
	s := t.base
	switch {
	case len(t.args) > 0:
		s += "<"
		for i, a := range t.args {
			if i > 0 {
				s += ","
			}
			if t.base == "Tuple" && t.fields[i] != "" {
				s += t.fields[i] + ":"
			}
			s += render(a)
		}
		s += ">"
	case t.base == "FixedString":
		s += "#" + strconv.Itoa(t.size)
	case t.base == "DateTime64" || strings.HasPrefix(t.base, "Decimal"):
		s += "/" + strconv.Itoa(t.scale)
	}
	return s
}

func TestParseTypeNames(t *testing.T) {
	tp, err := ParseAny("Map(LowCardinality(String), Array(Nullable(Int32)))")
	if err != nil {
		t.Fatal(err)
	}
	if tp.Name != "Map(LowCardinality(String), Array(Nullable(Int32)))" || tp.args[0].Name != "LowCardinality(String)" || tp.args[1].Elem().Name != "Nullable(Int32)" {
		t.Errorf("names %q %q %q", tp.Name, tp.args[0].Name, tp.args[1].Elem().Name)
	}
}

func TestParseTypeEnum(t *testing.T) {
	tp, err := ParseAny(`Enum8('call' = 1, 'it\'s' = 2, 'a=b' = -3)`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"call": 1, "it's": 2, "a=b": -3}
	if !reflect.DeepEqual(tp.enumCode, want) {
		t.Errorf("codes %v, want %v", tp.enumCode, want)
	}
	if tp.enumName[-3] != "a=b" || tp.enumName[2] != "it's" {
		t.Errorf("names %v", tp.enumName)
	}
}

func TestParseTypeErrors(t *testing.T) {
	for _, bad := range []string{"", "Array(", "Array(String", "Map(String)", "Nullable()", "FixedString(x)", "DateTime64(12)", "Decimal(4, 9)", "Enum8('a')", "Enum8('a' = x)", "String)", "Tuple(a String,"} {
		if tp, err := ParseAny(bad); err == nil {
			t.Errorf("ParseAny(%q) = %s, want an error", bad, render(tp))
		}
	}
}
