package rowbinary

import "testing"

func TestFileName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"UInt64", "UInt64"},
		{"LowCardinality(String)", "String"},
		{"LowCardinality(Nullable(String))", "Nullable(String)"},
		{"Array(LowCardinality(String))", "Array(String)"},
		{"Map(LowCardinality(String), UInt64)", "Map(String, UInt64)"},
		{"Map(String, UInt64)", "Map(String, UInt64)"},
		{"Tuple(a LowCardinality(String), `odd name` Nullable(Int64))", "Tuple(`a` String, `odd name` Nullable(Int64))"},
		{"Tuple(LowCardinality(String), UInt8)", "Tuple(String, UInt8)"},
		{"DateTime64(3, 'UTC')", "DateTime64(3, 'UTC')"},
		{"SimpleAggregateFunction(sum, UInt64)", "SimpleAggregateFunction(sum, UInt64)"},
	}
	for _, tt := range tests {
		typ, err := Parse(tt.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.in, err)
		}
		got := typ.FileName()
		if got != tt.want {
			t.Errorf("FileName of %s = %q, want %q", tt.in, got, tt.want)
		}
		// What a file is declared with must parse and encode the same way.
		again, err := Parse(got)
		if err != nil {
			t.Errorf("FileName of %s, %q, does not parse: %v", tt.in, got, err)
		} else if again.kind != typ.kind {
			t.Errorf("FileName of %s, %q, is another kind of value", tt.in, got)
		}
	}
}
