package rowbinary

import "strings"

// kind says how values of a type are checked, converted and laid out.
type kind int

const (
	// kOther is a type kept by name only (IPv4, Int128, AggregateFunction
	// ...): ParseAny accepts it so that the server engine can hand its
	// values to its driver; Parse refuses it.
	kOther kind = iota
	kInt8
	kInt16
	kInt32
	kInt64
	kUInt8
	kUInt16
	kUInt32
	kUInt64
	kFloat32
	kFloat64
	kBool
	kString
	kFixedString
	kDate
	kDate32
	kDateTime
	kDateTime64
	kDecimal32
	kDecimal64
	kDecimalWide // Decimal128 and Decimal256: ParseAny only
	kUUID
	kEnum8
	kEnum16
	kNullable
	kArray
	kMap
	kTuple
	kNothing
)

// Type is a parsed ClickHouse column type: the one model of ClickHouse types
// both engines use, the embedded engine to encode and decode RowBinary and
// the server engine to convert batch values and decode results. A Type is
// not changed after parsing and may be shared between goroutines.
//
// A LowCardinality or SimpleAggregateFunction holds plain values of the type
// it wraps, so its Type is a copy of that type that also remembers the
// wrapper: Encode, Decode and Canonical (which run once per value) see
// through it without a step, while Base and Elem still show the wrapper.
type Type struct {
	Name string // the type as ClickHouse spells it, e.g. "LowCardinality(String)"

	base   string   // the name without arguments: "Int32", "Nullable", "Enum8", "IPv4", ...
	kind   kind     // what the checks, conversions and layout go by
	args   []*Type  // Nullable, Array: 1; Map: key, value; Tuple: its elements
	fields []string // Tuple element names, "" where unnamed

	scale int // Decimal scale, DateTime64 precision
	prec  int // Decimal precision
	size  int // FixedString length

	enumCode map[string]int64 // Enum label → code
	enumName map[int64]string // Enum code → label

	wrapper string // "LowCardinality" or "SimpleAggregateFunction" for a wrapper, which the fields above copy
	wraps   *Type  // the type a wrapper wraps
}

// Base is the type's name without its arguments: "Nullable" for
// Nullable(String), "DateTime64" for DateTime64(3, 'UTC').
func (t *Type) Base() string {
	if t.wraps != nil {
		return t.wrapper
	}
	return t.base
}

// Elem is the type that a Nullable, LowCardinality, SimpleAggregateFunction
// or Array holds, or a Map's value type. It panics for other types.
func (t *Type) Elem() *Type {
	if t.wraps != nil {
		return t.wraps
	}
	return t.elem()
}

// Key is a Map's key type. It panics for other types.
func (t *Type) Key() *Type { return t.key() }

// NumField is the number of a Tuple's elements.
func (t *Type) NumField() int { return len(t.fields) }

// Field is a Tuple's i-th element type.
func (t *Type) Field(i int) *Type { return t.args[i] }

// FieldName is the name of a Tuple's i-th element, "" if it has none.
func (t *Type) FieldName(i int) string { return t.fields[i] }

// elem and key are what Encode, Decode and Canonical go by: the types a
// Nullable, Array or Map holds, with wrappers seen through.
func (t *Type) elem() *Type {
	if t.kind == kMap {
		return t.args[1]
	}
	return t.args[0]
}

func (t *Type) key() *Type { return t.args[0] }

// label names t in errors: the type whose values are checked, which for a
// wrapper is the type it wraps ("NULL given for String" for
// LowCardinality(String)).
func (t *Type) label() string {
	for t.wraps != nil {
		t = t.wraps
	}
	return t.Name
}

// FileName is the type to declare for t in a file() or input() structure
// that reads RowBinary: its Name with every LowCardinality unwrapped.
// RowBinary encodes LowCardinality(T) exactly as T, and ClickHouse reads T
// far faster than it builds a LowCardinality dictionary row by row — 10 M
// panel rows with three LowCardinality(String) columns read in 0.45 s
// declared String against 7.0 s declared as the table has them (libchdb
// 26.5); the INSERT converts each block to the column's type once.
func (t *Type) FileName() string {
	if !strings.Contains(t.Name, "LowCardinality(") {
		return t.Name
	}
	if t.wraps != nil {
		return t.wraps.FileName()
	}
	args := make([]string, len(t.args))
	for i, a := range t.args {
		args[i] = a.FileName()
		if t.kind == kTuple && t.fields[i] != "" {
			args[i] = "`" + strings.NewReplacer("\\", "\\\\", "`", "\\`").Replace(t.fields[i]) + "` " + args[i]
		}
	}
	return t.base + "(" + strings.Join(args, ", ") + ")"
}
