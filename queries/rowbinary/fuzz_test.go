package rowbinary

import (
	"testing"
)

// FuzzParseType: any type text either parses into a type whose Name parses
// again to the same name, and whose FileName (what a load declares) parses
// to a type of the same kind, or is refused — never a panic.
func FuzzParseType(f *testing.F) {
	for _, s := range []string{"UInt64", "Map(String, Array(Nullable(Float64)))", "Enum8('a' = 1, 'b''c' = 2)", "Tuple(a String, b DateTime64(3, 'UTC'))", "SimpleAggregateFunction(sum, UInt64)", "Decimal(18, 4)", "FixedString(3)", "LowCardinality(Nullable(String))", "Map(LowCardinality(String), Array(LowCardinality(String)))", "Tuple(`a b` LowCardinality(String), UInt8)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		typ, err := Parse(s)
		if err != nil {
			return
		}
		again, err := Parse(typ.Name)
		if err != nil || again.Name != typ.Name || again.kind != typ.kind {
			t.Fatalf("%q parsed to name %q which re-parses to %v, %v", s, typ.Name, again, err)
		}
		file, err := Parse(typ.FileName())
		if err != nil || file.kind != typ.kind || file.FileName() != typ.FileName() {
			t.Fatalf("%q: FileName %q parses to %v, %v", s, typ.FileName(), file, err)
		}
	})
}

// FuzzDecode: arbitrary bytes decode to values or to an error — never a
// panic, and never an allocation sized by a corrupt length prefix.
func FuzzDecode(f *testing.F) {
	f.Add("Array(String)", []byte{2, 1, 'a', 0})
	f.Add("Map(String, UInt64)", []byte{1, 1, 'k', 1, 0, 0, 0, 0, 0, 0, 0})
	f.Add("Nullable(DateTime64(3))", []byte{0, 1, 2, 3, 4, 5, 6, 7, 8})
	f.Add("Tuple(String, Enum8('a' = 1))", []byte{0, 1})
	f.Add("Array(Nothing)", []byte{0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, typ string, data []byte) {
		ty, err := Parse(typ)
		if err != nil {
			return
		}
		r := NewReader(data)
		for i := 0; i < 64 && !r.Done(); i++ {
			if _, err := ty.Decode(r); err != nil {
				return
			}
		}
	})
}
