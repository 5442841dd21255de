package server

import (
	"encoding/hex"
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"github.com/shopspring/decimal"
)

// convert turns v, a batch value of the kinds the embedded engine's encoder
// (queries/rowbinary) accepts for a column of type t, into the value
// clickhouse-go appends to that column as is: integers of the column's exact
// width, float32/float64, string, time.Time in UTC, decimal.Decimal, an
// Enum's label, []any for Array and Tuple, an ordered list of pairs for Map,
// nil for NULL.
//
// clickhouse-go is both stricter (an int for an Int32 column, a []any for a
// Map) and looser (it truncates an out-of-range int64 into an Int32 and
// stores NULL in a non-Nullable column as zero) than that encoder; converting
// here means the same Append calls work on both engines and fail on both with
// the same reasons.
func convert(t *chType, v any) (any, error) {
	switch t.base {
	case "Int8", "Int16", "Int32", "Int64":
		n, err := intValue(t, v)
		if err != nil {
			return nil, err
		}
		switch t.base {
		case "Int8":
			return int8(n), nil
		case "Int16":
			return int16(n), nil
		case "Int32":
			return int32(n), nil
		}
		return n, nil
	case "UInt8", "UInt16", "UInt32", "UInt64":
		n, err := uintValue(t, v)
		if err != nil {
			return nil, err
		}
		switch t.base {
		case "UInt8":
			return uint8(n), nil
		case "UInt16":
			return uint16(n), nil
		case "UInt32":
			return uint32(n), nil
		}
		return n, nil
	case "Enum8", "Enum16":
		n, err := intValue(t, v)
		if err != nil {
			return nil, err
		}
		return t.enumName[n], nil
	case "Float32", "Float64":
		f, ok := floatValue(v)
		if !ok {
			return nil, mismatch(t, v)
		}
		if t.base == "Float32" {
			return float32(f), nil
		}
		return f, nil
	case "Bool":
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return nil, mismatch(t, v)
	case "String":
		// Strings, not []byte: LowCardinality columns use values as map keys.
		switch s := v.(type) {
		case string:
			return s, nil
		case []byte:
			return string(s), nil
		}
		if s, ok := stringKind(v); ok {
			return s, nil
		}
		return nil, mismatch(t, v)
	case "FixedString":
		return fixedString(t, v)
	case "Date", "Date32", "DateTime", "DateTime64":
		tm, ok := v.(time.Time)
		if !ok {
			return nil, mismatch(t, v)
		}
		return timeValue(t, tm)
	case "Decimal", "Decimal32", "Decimal64", "Decimal128", "Decimal256":
		return decimalValue(t, v)
	case "UUID":
		return uuidValue(v)
	case "Nullable":
		if isNil(v) {
			return nil, nil
		}
		return convert(t.inner(), deref(v))
	case "LowCardinality", "SimpleAggregateFunction":
		return convert(t.inner(), v)
	case "Array":
		return arrayValue(t, v)
	case "Map":
		return mapValue(t, v)
	case "Tuple":
		return tupleValue(t, v)
	}
	// A type the embedded engine cannot store either (IPv4, Int128, JSON...):
	// clickhouse-go decides, except that NULL needs a Nullable column.
	if isNil(v) {
		return nil, mismatch(t, v)
	}
	return v, nil
}

func mismatch(t *chType, v any) error {
	if isNil(v) {
		return fmt.Errorf("NULL given for %s, which is not Nullable", t.name)
	}
	return fmt.Errorf("cannot store %T in %s", v, t.name)
}

// intValue reads a signed integer (or an Enum label or code) and checks its range.
func intValue(t *chType, v any) (int64, error) {
	enum := t.enumName != nil
	var n int64
	switch x := v.(type) {
	case int:
		n = int64(x)
	case int64:
		n = x
	case int32:
		n = int64(x)
	case int16:
		n = int64(x)
	case int8:
		n = int64(x)
	case uint8:
		n = int64(x)
	case uint16:
		n = int64(x)
	case uint32:
		n = int64(x)
	case uint64:
		if x > math.MaxInt64 {
			return 0, fmt.Errorf("%d is out of range for %s", x, t.name)
		}
		n = int64(x)
	default:
		if s, ok := stringKind(v); ok && enum {
			code, ok := t.enumCode[s]
			if !ok {
				return 0, fmt.Errorf("%q is not a value of %s", s, t.name)
			}
			return code, nil
		}
		rv := reflect.ValueOf(v)
		switch rv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			n = rv.Int()
		default:
			return 0, mismatch(t, v)
		}
	}
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	switch t.base {
	case "Int8", "Enum8":
		lo, hi = math.MinInt8, math.MaxInt8
	case "Int16", "Enum16":
		lo, hi = math.MinInt16, math.MaxInt16
	case "Int32":
		lo, hi = math.MinInt32, math.MaxInt32
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("%d is out of range for %s", n, t.name)
	}
	if _, ok := t.enumName[n]; enum && !ok {
		return 0, fmt.Errorf("%d is not a value of %s", n, t.name)
	}
	return n, nil
}

// uintValue reads an unsigned integer (bool as 0/1) and checks its range.
func uintValue(t *chType, v any) (uint64, error) {
	var n uint64
	switch x := v.(type) {
	case uint64:
		n = x
	case uint32:
		n = uint64(x)
	case uint16:
		n = uint64(x)
	case uint8:
		n = uint64(x)
	case uint:
		n = uint64(x)
	case bool:
		if x {
			n = 1
		}
	default:
		rv := reflect.ValueOf(v)
		switch rv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			if rv.Int() < 0 {
				return 0, fmt.Errorf("%d is out of range for %s", rv.Int(), t.name)
			}
			n = uint64(rv.Int())
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			n = rv.Uint()
		default:
			return 0, mismatch(t, v)
		}
	}
	var hi uint64 = math.MaxUint64
	switch t.base {
	case "UInt8":
		hi = math.MaxUint8
	case "UInt16":
		hi = math.MaxUint16
	case "UInt32":
		hi = math.MaxUint32
	}
	if n > hi {
		return 0, fmt.Errorf("%d is out of range for %s", n, t.name)
	}
	return n, nil
}

func floatValue(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case uint32:
		return float64(x), true
	case int32:
		return float64(x), true
	}
	return 0, false
}

// fixedString checks that v fits the column; clickhouse-go pads it with NULs.
func fixedString(t *chType, v any) (any, error) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case []byte:
		s = string(x)
	default:
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Array || rv.Type().Elem().Kind() != reflect.Uint8 {
			return nil, mismatch(t, v)
		}
		b := make([]byte, rv.Len())
		reflect.Copy(reflect.ValueOf(b), rv)
		s = string(b)
	}
	if len(s) > t.size {
		return nil, fmt.Errorf("%d bytes do not fit %s", len(s), t.name)
	}
	return s, nil
}

// timeValue checks tm against the column's range and hands it over in UTC,
// already cut to what the column keeps, so that clickhouse-go's arithmetic
// (which reads a Date in the value's own zone and truncates towards zero)
// stores the same day or tick as the embedded engine.
func timeValue(t *chType, tm time.Time) (any, error) {
	tm = tm.UTC()
	switch t.base {
	case "Date", "Date32":
		days := int64(math.Floor(float64(tm.Unix()) / 86400))
		if t.base == "Date" && (days < 0 || days > math.MaxUint16) {
			return nil, fmt.Errorf("%s is out of range for Date", tm.Format(time.DateOnly))
		}
		y, m, d := tm.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
	case "DateTime":
		if s := tm.Unix(); s < 0 || s > math.MaxUint32 {
			return nil, fmt.Errorf("%s is out of range for DateTime", tm.Format(time.RFC3339))
		}
		return tm.Truncate(time.Second), nil
	}
	return tm.Truncate(time.Duration(pow10[9-t.scale])), nil
}

var pow10 = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// decimalValue rounds a number to the column's scale, as the embedded
// engine does, and checks that it fits the column's storage.
func decimalValue(t *chType, v any) (any, error) {
	f, ok := floatValue(v)
	if !ok {
		return nil, mismatch(t, v)
	}
	if t.prec > 18 || t.scale >= len(pow10) {
		// Wider than the embedded engine stores: let clickhouse-go round.
		return decimal.NewFromFloat(f), nil
	}
	scaled := math.Round(f * float64(pow10[t.scale]))
	if t.prec <= 9 {
		if scaled > math.MaxInt32 || scaled < math.MinInt32 {
			return nil, fmt.Errorf("%v is out of range for %s", v, t.name)
		}
	} else if scaled >= math.MaxInt64 || scaled <= math.MinInt64 || math.IsNaN(scaled) {
		return nil, fmt.Errorf("%v is out of range for %s", v, t.name)
	}
	return decimal.New(int64(scaled), -int32(t.scale)), nil
}

// uuidValue accepts a UUID's text (dashes optional) or its 16 bytes in
// RFC 4122 order and gives clickhouse-go the canonical text.
func uuidValue(v any) (any, error) {
	var u [16]byte
	switch x := v.(type) {
	case string:
		h := strings.ReplaceAll(x, "-", "")
		if len(h) != 32 {
			return nil, fmt.Errorf("%q is not a UUID", x)
		}
		if _, err := hex.Decode(u[:], []byte(h)); err != nil {
			return nil, fmt.Errorf("%q is not a UUID", x)
		}
	default:
		rv := reflect.ValueOf(v)
		if !rv.IsValid() || rv.Kind() != reflect.Array || rv.Len() != 16 || rv.Type().Elem().Kind() != reflect.Uint8 {
			return nil, fmt.Errorf("cannot store %T in UUID", v)
		}
		reflect.Copy(reflect.ValueOf(u[:]), rv)
	}
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

func arrayValue(t *chType, v any) (any, error) {
	elem := t.inner()
	// The common cases go through unchanged: clickhouse-go appends them
	// without reflection.
	switch s := v.(type) {
	case []string:
		if elem.base == "String" {
			return s, nil
		}
	case []float64:
		if elem.base == "Float64" {
			return s, nil
		}
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return nil, mismatch(t, v)
	}
	out := make([]any, rv.Len())
	for i := range out {
		e, err := convert(elem, rv.Index(i).Interface())
		if err != nil {
			return nil, fmt.Errorf("array element %d: %w", i, err)
		}
		out[i] = e
	}
	return out, nil
}

func mapValue(t *chType, v any) (any, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Map {
		return nil, mismatch(t, v)
	}
	p := &pairs{keys: make([]any, 0, rv.Len()), values: make([]any, 0, rv.Len())}
	for it := rv.MapRange(); it.Next(); {
		k, err := convert(t.args[0], it.Key().Interface())
		if err != nil {
			return nil, fmt.Errorf("map key: %w", err)
		}
		e, err := convert(t.args[1], it.Value().Interface())
		if err != nil {
			return nil, fmt.Errorf("map value: %w", err)
		}
		p.Put(k, e)
	}
	return p, nil
}

func tupleValue(t *chType, v any) (any, error) {
	rv := reflect.ValueOf(v)
	if (rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array) || rv.Len() != len(t.args) {
		return nil, fmt.Errorf("%s needs a slice of %d values, not %T", t.name, len(t.args), v)
	}
	out := make([]any, len(t.args))
	for i, e := range t.args {
		x, err := convert(e, rv.Index(i).Interface())
		if err != nil {
			return nil, fmt.Errorf("tuple element %d: %w", i, err)
		}
		out[i] = x
	}
	return out, nil
}

// pairs is a Map value whose keys and values are already converted:
// clickhouse-go takes a Go map only of exactly its scan type
// (map[string]uint64 for Map(String, UInt64)), but appends any
// IterableOrderedMap pair by pair.
type pairs struct {
	keys, values []any
}

var _ column.IterableOrderedMap = (*pairs)(nil)

func (p *pairs) Put(key, value any) {
	p.keys = append(p.keys, key)
	p.values = append(p.values, value)
}

func (p *pairs) Iterator() column.MapIterator { return &pairsIter{p: p, i: -1} }

type pairsIter struct {
	p *pairs
	i int
}

func (it *pairsIter) Next() bool { it.i++; return it.i < len(it.p.keys) }
func (it *pairsIter) Key() any   { return it.p.keys[it.i] }
func (it *pairsIter) Value() any { return it.p.values[it.i] }

// stringKind accepts named string types (imscope.NetworkID and friends).
func stringKind(v any) (string, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.String {
		return rv.String(), true
	}
	return "", false
}

func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

func deref(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		return rv.Elem().Interface()
	}
	return v
}
