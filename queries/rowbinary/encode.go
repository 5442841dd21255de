package rowbinary

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"
)

// Encode appends v, converted to type t, to buf. It refuses values that do
// not fit (out of range, wrong kind, NULL for a non-Nullable column) rather
// than storing something else.
func (t *Type) Encode(buf []byte, v any) ([]byte, error) {
	switch t.kind {
	case kInt8, kInt16, kInt32, kInt64, kEnum8, kEnum16:
		n, err := t.intValue(v)
		if err != nil {
			return buf, err
		}
		switch t.kind {
		case kInt8, kEnum8:
			return append(buf, byte(n)), nil
		case kInt16, kEnum16:
			return binary.LittleEndian.AppendUint16(buf, uint16(n)), nil
		case kInt32:
			return binary.LittleEndian.AppendUint32(buf, uint32(n)), nil
		}
		return binary.LittleEndian.AppendUint64(buf, uint64(n)), nil
	case kUInt8, kUInt16, kUInt32, kUInt64:
		n, err := t.uintValue(v)
		if err != nil {
			return buf, err
		}
		switch t.kind {
		case kUInt8:
			return append(buf, byte(n)), nil
		case kUInt16:
			return binary.LittleEndian.AppendUint16(buf, uint16(n)), nil
		case kUInt32:
			return binary.LittleEndian.AppendUint32(buf, uint32(n)), nil
		}
		return binary.LittleEndian.AppendUint64(buf, n), nil
	case kFloat32, kFloat64:
		f, ok := floatValue(v)
		if !ok {
			return buf, t.mismatch(v)
		}
		if t.kind == kFloat32 {
			return binary.LittleEndian.AppendUint32(buf, math.Float32bits(float32(f))), nil
		}
		return binary.LittleEndian.AppendUint64(buf, math.Float64bits(f)), nil
	case kBool:
		b, ok := v.(bool)
		if !ok {
			return buf, t.mismatch(v)
		}
		if b {
			return append(buf, 1), nil
		}
		return append(buf, 0), nil
	case kString:
		switch s := v.(type) {
		case string:
			buf = binary.AppendUvarint(buf, uint64(len(s)))
			return append(buf, s...), nil
		case []byte:
			buf = binary.AppendUvarint(buf, uint64(len(s)))
			return append(buf, s...), nil
		}
		if s, ok := stringKind(v); ok {
			buf = binary.AppendUvarint(buf, uint64(len(s)))
			return append(buf, s...), nil
		}
		return buf, t.mismatch(v)
	case kFixedString:
		var s string
		switch x := v.(type) {
		case string:
			s = x
		case []byte:
			s = string(x)
		default:
			rv := reflect.ValueOf(v)
			if rv.Kind() != reflect.Array || rv.Type().Elem().Kind() != reflect.Uint8 {
				return buf, t.mismatch(v)
			}
			b := make([]byte, rv.Len())
			reflect.Copy(reflect.ValueOf(b), rv)
			s = string(b)
		}
		if len(s) > t.size {
			return buf, fmt.Errorf("%d bytes do not fit %s", len(s), t.Name)
		}
		buf = append(buf, s...)
		for i := len(s); i < t.size; i++ {
			buf = append(buf, 0)
		}
		return buf, nil
	case kDate, kDate32, kDateTime, kDateTime64:
		tm, ok := v.(time.Time)
		if !ok {
			return buf, t.mismatch(v)
		}
		return t.encodeTime(buf, tm)
	case kDecimal32, kDecimal64:
		f, ok := floatValue(v)
		if !ok {
			return buf, t.mismatch(v)
		}
		scaled := math.Round(f * float64(pow10[t.scale]))
		if t.kind == kDecimal32 {
			if scaled > math.MaxInt32 || scaled < math.MinInt32 {
				return buf, fmt.Errorf("%v is out of range for %s", v, t.Name)
			}
			return binary.LittleEndian.AppendUint32(buf, uint32(int32(scaled))), nil
		}
		if scaled >= math.MaxInt64 || scaled <= math.MinInt64 {
			return buf, fmt.Errorf("%v is out of range for %s", v, t.Name)
		}
		return binary.LittleEndian.AppendUint64(buf, uint64(int64(scaled))), nil
	case kUUID:
		return encodeUUID(buf, v)
	case kNullable:
		if isNil(v) {
			return append(buf, 1), nil
		}
		return t.elem.Encode(append(buf, 0), deref(v))
	case kArray:
		return t.encodeArray(buf, v)
	case kMap:
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Map {
			return buf, t.mismatch(v)
		}
		buf = binary.AppendUvarint(buf, uint64(rv.Len()))
		iter := rv.MapRange()
		var err error
		for iter.Next() {
			if buf, err = t.key.Encode(buf, iter.Key().Interface()); err != nil {
				return buf, fmt.Errorf("map key: %w", err)
			}
			if buf, err = t.elem.Encode(buf, iter.Value().Interface()); err != nil {
				return buf, fmt.Errorf("map value: %w", err)
			}
		}
		return buf, nil
	case kTuple:
		rv := reflect.ValueOf(v)
		if (rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array) || rv.Len() != len(t.elems) {
			return buf, fmt.Errorf("%s needs a slice of %d values, not %T", t.Name, len(t.elems), v)
		}
		var err error
		for i, e := range t.elems {
			if buf, err = e.Encode(buf, rv.Index(i).Interface()); err != nil {
				return buf, fmt.Errorf("tuple element %d: %w", i, err)
			}
		}
		return buf, nil
	}
	return buf, fmt.Errorf("cannot encode %s", t.Name)
}

func (t *Type) mismatch(v any) error {
	if v == nil {
		return fmt.Errorf("NULL given for %s, which is not Nullable", t.Name)
	}
	return fmt.Errorf("cannot store %T in %s", v, t.Name)
}

func (t *Type) encodeArray(buf []byte, v any) ([]byte, error) {
	var err error
	switch s := v.(type) {
	case []string:
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		for _, e := range s {
			if buf, err = t.elem.Encode(buf, e); err != nil {
				return buf, err
			}
		}
		return buf, nil
	case []float64:
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		for _, e := range s {
			if buf, err = t.elem.Encode(buf, e); err != nil {
				return buf, err
			}
		}
		return buf, nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return buf, t.mismatch(v)
	}
	buf = binary.AppendUvarint(buf, uint64(rv.Len()))
	for i := 0; i < rv.Len(); i++ {
		if buf, err = t.elem.Encode(buf, rv.Index(i).Interface()); err != nil {
			return buf, fmt.Errorf("array element %d: %w", i, err)
		}
	}
	return buf, nil
}

func (t *Type) encodeTime(buf []byte, tm time.Time) ([]byte, error) {
	switch t.kind {
	case kDate, kDate32:
		days := int64(math.Floor(float64(tm.Unix()) / 86400))
		if t.kind == kDate {
			if days < 0 || days > math.MaxUint16 {
				return buf, fmt.Errorf("%s is out of range for Date", tm.Format(time.DateOnly))
			}
			return binary.LittleEndian.AppendUint16(buf, uint16(days)), nil
		}
		return binary.LittleEndian.AppendUint32(buf, uint32(int32(days))), nil
	case kDateTime:
		s := tm.Unix()
		if s < 0 || s > math.MaxUint32 {
			return buf, fmt.Errorf("%s is out of range for DateTime", tm.Format(time.RFC3339))
		}
		return binary.LittleEndian.AppendUint32(buf, uint32(s)), nil
	}
	ticks := tm.Unix()*pow10[t.scale] + int64(tm.Nanosecond())/pow10[9-t.scale]
	return binary.LittleEndian.AppendUint64(buf, uint64(ticks)), nil
}

func (t *Type) intValue(v any) (int64, error) {
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
			return 0, fmt.Errorf("%d is out of range for %s", x, t.Name)
		}
		n = int64(x)
	case string:
		if t.kind == kEnum8 || t.kind == kEnum16 {
			code, ok := t.enumCode[x]
			if !ok {
				return 0, fmt.Errorf("%q is not a value of %s", x, t.Name)
			}
			return code, nil
		}
		return 0, t.mismatch(v)
	default:
		if s, ok := stringKind(v); ok && (t.kind == kEnum8 || t.kind == kEnum16) {
			return t.intValue(s)
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
		return 0, fmt.Errorf("%d is out of range for %s", n, t.Name)
	}
	if (t.kind == kEnum8 || t.kind == kEnum16) && t.enumName[n] == "" {
		return 0, fmt.Errorf("%d is not a value of %s", n, t.Name)
	}
	return n, nil
}

func (t *Type) uintValue(v any) (uint64, error) {
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
				return 0, fmt.Errorf("%d is out of range for %s", rv.Int(), t.Name)
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
		return 0, fmt.Errorf("%d is out of range for %s", n, t.Name)
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

func encodeUUID(buf []byte, v any) ([]byte, error) {
	var u [16]byte
	switch x := v.(type) {
	case [16]byte:
		u = x
	case string:
		h := strings.ReplaceAll(x, "-", "")
		if len(h) != 32 {
			return buf, fmt.Errorf("%q is not a UUID", x)
		}
		if _, err := hex.Decode(u[:], []byte(h)); err != nil {
			return buf, fmt.Errorf("%q is not a UUID", x)
		}
	default:
		return buf, fmt.Errorf("cannot store %T in UUID", v)
	}
	for i := 7; i >= 0; i-- {
		buf = append(buf, u[i])
	}
	for i := 15; i >= 8; i-- {
		buf = append(buf, u[i])
	}
	return buf, nil
}
