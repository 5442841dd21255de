package rowbinary

import (
	"fmt"
	"math"
	"reflect"
)

// The rules in this file, time.go and uuid.go decide which Go values a
// column takes and what it stores of them. Encode and Canonical both go by
// them, so the embedded engine (which encodes) and the server engine (which
// converts) accept the same values and refuse the others with the same
// messages. Each returns what the column stores, in a form both can use
// without another check.

func (t *Type) mismatch(v any) error {
	if isNil(v) {
		return fmt.Errorf("NULL given for %s, which is not Nullable", t.label())
	}
	return fmt.Errorf("cannot store %T in %s", v, t.label())
}

func (t *Type) outOfRange(n any) error {
	return fmt.Errorf("%v is out of range for %s", n, t.label())
}

func (t *Type) isEnum() bool { return t.kind == kEnum8 || t.kind == kEnum16 }

// intOf reads a signed integer of any Go width, or for an Enum a label or a
// code, and checks that the column holds it.
func (t *Type) intOf(v any) (int64, error) {
	var n int64
	switch x := v.(type) {
	case int:
		n = int64(x)
	case int64:
		n = x
	case *int64: // a row's field given without boxing its value (queries' send)
		if x == nil {
			return 0, t.mismatch(v)
		}
		n = *x
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
			return 0, t.outOfRange(x)
		}
		n = int64(x)
	default:
		if s, ok := stringKind(v); ok && t.isEnum() {
			code, ok := t.enumCode[s]
			if !ok {
				return 0, fmt.Errorf("%q is not a value of %s", s, t.label())
			}
			return code, nil
		}
		rv := reflect.ValueOf(v)
		switch rv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			n = rv.Int()
		default:
			return 0, t.mismatch(v)
		}
	}
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	switch t.kind {
	case kInt8, kEnum8:
		lo, hi = math.MinInt8, math.MaxInt8
	case kInt16, kEnum16:
		lo, hi = math.MinInt16, math.MaxInt16
	case kInt32:
		lo, hi = math.MinInt32, math.MaxInt32
	}
	if n < lo || n > hi {
		return 0, t.outOfRange(n)
	}
	if _, ok := t.enumName[n]; t.isEnum() && !ok {
		return 0, fmt.Errorf("%d is not a value of %s", n, t.label())
	}
	return n, nil
}

// uintOf reads an unsigned integer (a bool as 0 or 1) and checks that the
// column holds it.
func (t *Type) uintOf(v any) (uint64, error) {
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
	case *uint64, *uint32, *uint16, *uint8:
		var ok bool
		if n, ok = uintAt(x); !ok {
			return 0, t.mismatch(v)
		}
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
				return 0, t.outOfRange(rv.Int())
			}
			n = uint64(rv.Int())
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			n = rv.Uint()
		default:
			return 0, t.mismatch(v)
		}
	}
	var hi uint64 = math.MaxUint64
	switch t.kind {
	case kUInt8:
		hi = math.MaxUint8
	case kUInt16:
		hi = math.MaxUint16
	case kUInt32:
		hi = math.MaxUint32
	}
	if n > hi {
		return 0, t.outOfRange(n)
	}
	return n, nil
}

// floatOf reads a number for a Float or Decimal column.
func (t *Type) floatOf(v any) (float64, error) {
	if f, ok := floatValue(v); ok {
		return f, nil
	}
	return 0, t.mismatch(v)
}

// floatValue is floatOf's rule, apart so that it is inlined into Encode.
func floatValue(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case *float64:
		if x != nil {
			return *x, true
		}
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

func (t *Type) boolOf(v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case *bool:
		if x != nil {
			return *x, nil
		}
	}
	return false, t.mismatch(v)
}

// stringOf reads a String value: a string, a []byte or a named string type
// (imscope.NetworkID and friends).
func (t *Type) stringOf(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	case *string:
		if x != nil {
			return *x, nil
		}
		return "", t.mismatch(v)
	}
	if s, ok := stringKind(v); ok {
		return s, nil
	}
	return "", t.mismatch(v)
}

// fixedOf reads a FixedString value — a string, a []byte or a byte array —
// that fits the column; it is stored padded with NULs.
func (t *Type) fixedOf(v any) (string, error) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case []byte:
		s = string(x)
	default:
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Array || rv.Type().Elem().Kind() != reflect.Uint8 {
			return "", t.mismatch(v)
		}
		b := make([]byte, rv.Len())
		reflect.Copy(reflect.ValueOf(b), rv)
		s = string(b)
	}
	if len(s) > t.size {
		return "", fmt.Errorf("%d bytes do not fit %s", len(s), t.label())
	}
	return s, nil
}

var pow10 = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// decimalOf reads a number for a Decimal32 or Decimal64 column and returns
// it scaled to an integer, rounded half away from zero, as the column
// stores it.
func (t *Type) decimalOf(v any) (int64, error) {
	f, err := t.floatOf(v)
	if err != nil {
		return 0, err
	}
	scaled := math.Round(f * float64(pow10[t.scale]))
	lo, hi := float64(math.MinInt64), float64(math.MaxInt64) // both exclusive: ±2^63 as float64
	if t.kind == kDecimal32 {
		lo, hi = math.MinInt32-1, math.MaxInt32+1
	}
	if !(scaled > lo && scaled < hi) { // NaN too
		return 0, t.outOfRange(v)
	}
	return int64(scaled), nil
}

// listOf reads an Array value: a slice or an array of any element type.
func (t *Type) listOf(v any) (reflect.Value, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return rv, t.mismatch(v)
	}
	return rv, nil
}

// mapOf reads a Map value: a Go map of any key and value types.
func (t *Type) mapOf(v any) (reflect.Value, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Map {
		return rv, t.mismatch(v)
	}
	return rv, nil
}

// tupleOf reads a Tuple value: a slice or array with one value per element.
func (t *Type) tupleOf(v any) (reflect.Value, error) {
	rv := reflect.ValueOf(v)
	if (rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array) || rv.Len() != len(t.args) {
		return rv, fmt.Errorf("%s needs a slice of %d values, not %T", t.label(), len(t.args), v)
	}
	return rv, nil
}

// The errors of a container's parts say which part failed.

func arrayElementError(i int, err error) error { return fmt.Errorf("array element %d: %w", i, err) }
func tupleElementError(i int, err error) error { return fmt.Errorf("tuple element %d: %w", i, err) }
func mapKeyError(err error) error              { return fmt.Errorf("map key: %w", err) }
func mapValueError(err error) error            { return fmt.Errorf("map value: %w", err) }

// stringKind accepts named string types (imscope.NetworkID and friends).
func stringKind(v any) (string, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.String {
		return rv.String(), true
	}
	return "", false
}

// uintAt reads the unsigned integer a non-nil pointer points at.
func uintAt(p any) (uint64, bool) {
	switch x := p.(type) {
	case *uint64:
		return derefOK(x)
	case *uint32:
		n, ok := derefOK(x)
		return uint64(n), ok
	case *uint16:
		n, ok := derefOK(x)
		return uint64(n), ok
	case *uint8:
		n, ok := derefOK(x)
		return uint64(n), ok
	}
	return 0, false
}

func derefOK[T any](p *T) (T, bool) {
	if p == nil {
		var zero T
		return zero, false
	}
	return *p, true
}

// isNil reports NULL: nil, or a nil pointer.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// deref follows a pointer given for a Nullable column.
func deref(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		return rv.Elem().Interface()
	}
	return v
}
