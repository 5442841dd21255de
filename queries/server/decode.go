package server

import (
	"fmt"
	"math/big"
	"net"
	"reflect"
	"time"

	"github.com/shopspring/decimal"

	"github.com/imscope/imscope/queries/rowbinary"
)

var (
	timeType    = reflect.TypeFor[time.Time]()
	decimalType = reflect.TypeFor[decimal.Decimal]()
	bigIntType  = reflect.TypeFor[*big.Int]()
	ipType      = reflect.TypeFor[net.IP]()
	anyPtrType  = reflect.TypeFor[*any]()
)

// decode converts v, a value clickhouse-go scanned for a column of type t
// (into the column's ScanType), to the canonical Go types documented on
// queries.ScanValue, the ones the embedded engine decodes to: int64, uint64,
// float64, bool, string, time.Time in UTC, []any for Array and Tuple,
// map[any]any for Map and nil for NULL. Enum values arrive as their names,
// LowCardinality as its inner type, Decimal becomes float64 and UUID its
// text. t may be nil (a type this engine could not parse): the value is
// then converted by its Go type alone.
func decode(t *rowbinary.Type, v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	if v.Type() == bigIntType {
		if v.IsNil() {
			return nil
		}
		return bigInt(v.Interface().(*big.Int))
	}
	// NULL is a nil pointer (Nullable) or a nil interface (Nothing, Dynamic).
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
		if v.Type() == bigIntType {
			return decode(nil, v)
		}
	}
	if t != nil {
		switch t.Base() {
		case "Nullable", "LowCardinality", "SimpleAggregateFunction":
			return decode(t.Elem(), v)
		case "Array":
			if v.Kind() == reflect.Slice || v.Kind() == reflect.Array {
				out := make([]any, v.Len())
				for i := range out {
					out[i] = decode(t.Elem(), v.Index(i))
				}
				return out
			}
		case "Map":
			if v.Kind() == reflect.Map {
				out := make(map[any]any, v.Len())
				for it := v.MapRange(); it.Next(); {
					out[decode(t.Key(), it.Key())] = decode(t.Elem(), it.Value())
				}
				return out
			}
		case "Tuple":
			return decodeTuple(t, v)
		case "Date", "Date32":
			// clickhouse-go hands out a Date as midnight in the server's
			// time zone; the embedded engine gives midnight UTC of that day.
			if v.Type() == timeType {
				y, m, d := v.Interface().(time.Time).Date()
				return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
			}
		}
	}
	return generic(v)
}

// decodeTuple returns a tuple's elements in order. clickhouse-go scans
// unnamed tuples as []any and named ones as map[string]any; the embedded
// engine gives both as []any.
func decodeTuple(t *rowbinary.Type, v reflect.Value) any {
	out := make([]any, t.NumField())
	switch {
	case v.Kind() == reflect.Slice && v.Len() == len(out):
		for i := range out {
			out[i] = decode(t.Field(i), v.Index(i))
		}
		return out
	case v.Kind() == reflect.Map && v.Type().Key().Kind() == reflect.String:
		for i := range out {
			out[i] = decode(t.Field(i), v.MapIndex(reflect.ValueOf(t.FieldName(i)).Convert(v.Type().Key())))
		}
		return out
	}
	return generic(v)
}

// generic converts a scanned value by its Go type alone.
func generic(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	switch v.Type() {
	case timeType:
		return v.Interface().(time.Time).UTC()
	case decimalType:
		f, _ := v.Interface().(decimal.Decimal).Rat().Float64()
		return f
	case ipType:
		return v.Interface().(net.IP).String()
	case bigIntType:
		return decode(nil, v)
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return generic(v.Elem())
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint()
	case reflect.Float32, reflect.Float64:
		return v.Float()
	case reflect.String:
		return v.String()
	case reflect.Slice, reflect.Array:
		if s, ok := v.Interface().(fmt.Stringer); ok && v.Kind() == reflect.Array {
			return s.String() // uuid.UUID
		}
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return string(v.Bytes())
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = generic(v.Index(i))
		}
		return out
	case reflect.Map:
		out := make(map[any]any, v.Len())
		for it := v.MapRange(); it.Next(); {
			out[generic(it.Key())] = generic(it.Value())
		}
		return out
	}
	if s, ok := v.Interface().(fmt.Stringer); ok {
		return s.String()
	}
	return v.Interface()
}

// bigInt gives Int128/Int256 values as int64 or uint64 when they fit, and as
// their decimal text otherwise (there is no wider canonical integer).
func bigInt(b *big.Int) any {
	switch {
	case b.IsInt64():
		return b.Int64()
	case b.IsUint64():
		return b.Uint64()
	}
	return b.String()
}
