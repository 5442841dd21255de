package queries

import (
	"fmt"
	"math"
	"reflect"
	"time"
)

// ScanValue stores src, a value decoded by an engine, into dest, a pointer.
//
// Engines decode ClickHouse values into a small set of Go types — int64,
// uint64, float64, bool, string, time.Time, []any (Array, Tuple), map[any]any
// (Map) and nil (NULL) — so that both engines scan the same way. dest may be a
// pointer to any Go type those convert to without loss: the integer widths
// (with a range check), float32/float64, string, bool, time.Time, slices and
// maps of those, a pointer (nil for NULL) or *any.
func ScanValue(dest, src any) error {
	switch d := dest.(type) {
	case *any:
		*d = src
		return nil
	case *string:
		if s, ok := src.(string); ok {
			*d = s
			return nil
		}
	case *float64:
		switch s := src.(type) {
		case float64:
			*d = s
			return nil
		case int64:
			*d = float64(s)
			return nil
		case uint64:
			*d = float64(s)
			return nil
		}
	case *int64:
		if n, ok := toInt64(src); ok {
			*d = n
			return nil
		}
	case *uint64:
		if n, ok := toUint64(src); ok {
			*d = n
			return nil
		}
	case *time.Time:
		if t, ok := src.(time.Time); ok {
			*d = t
			return nil
		}
	}
	dv := reflect.ValueOf(dest)
	if dv.Kind() != reflect.Pointer || dv.IsNil() {
		return fmt.Errorf("scan destination must be a non-nil pointer, not %T", dest)
	}
	return assign(dv.Elem(), src)
}

func assign(dst reflect.Value, src any) error {
	if dst.Kind() == reflect.Pointer {
		if src == nil {
			dst.SetZero()
			return nil
		}
		p := reflect.New(dst.Type().Elem())
		if err := assign(p.Elem(), src); err != nil {
			return err
		}
		dst.Set(p)
		return nil
	}
	if dst.Kind() == reflect.Interface && dst.NumMethod() == 0 {
		if src == nil {
			dst.SetZero()
		} else {
			dst.Set(reflect.ValueOf(src))
		}
		return nil
	}
	if src == nil {
		return fmt.Errorf("cannot scan NULL into %s (use a pointer)", dst.Type())
	}
	switch dst.Kind() {
	case reflect.String:
		if s, ok := src.(string); ok {
			dst.SetString(s)
			return nil
		}
	case reflect.Bool:
		switch s := src.(type) {
		case bool:
			dst.SetBool(s)
			return nil
		case uint64:
			dst.SetBool(s != 0)
			return nil
		case int64:
			dst.SetBool(s != 0)
			return nil
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n, ok := toInt64(src); ok && !dst.OverflowInt(n) {
			dst.SetInt(n)
			return nil
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if n, ok := toUint64(src); ok && !dst.OverflowUint(n) {
			dst.SetUint(n)
			return nil
		}
	case reflect.Float32, reflect.Float64:
		switch s := src.(type) {
		case float64:
			dst.SetFloat(s)
			return nil
		case int64:
			dst.SetFloat(float64(s))
			return nil
		case uint64:
			dst.SetFloat(float64(s))
			return nil
		}
	case reflect.Struct:
		if t, ok := src.(time.Time); ok && dst.Type() == reflect.TypeOf(time.Time{}) {
			dst.Set(reflect.ValueOf(t))
			return nil
		}
	case reflect.Slice:
		if s, ok := src.([]any); ok {
			out := reflect.MakeSlice(dst.Type(), len(s), len(s))
			for i, e := range s {
				if err := assign(out.Index(i), e); err != nil {
					return fmt.Errorf("element %d: %w", i, err)
				}
			}
			dst.Set(out)
			return nil
		}
		if s, ok := src.(string); ok && dst.Type().Elem().Kind() == reflect.Uint8 {
			dst.SetBytes([]byte(s))
			return nil
		}
	case reflect.Map:
		if m, ok := src.(map[any]any); ok {
			out := reflect.MakeMapWithSize(dst.Type(), len(m))
			for k, v := range m {
				kv := reflect.New(dst.Type().Key()).Elem()
				if err := assign(kv, k); err != nil {
					return fmt.Errorf("map key: %w", err)
				}
				vv := reflect.New(dst.Type().Elem()).Elem()
				if err := assign(vv, v); err != nil {
					return fmt.Errorf("map value for %v: %w", k, err)
				}
				out.SetMapIndex(kv, vv)
			}
			dst.Set(out)
			return nil
		}
	}
	return fmt.Errorf("cannot scan %T into %s", src, dst.Type())
}

func toInt64(src any) (int64, bool) {
	switch s := src.(type) {
	case int64:
		return s, true
	case uint64:
		if s <= math.MaxInt64 {
			return int64(s), true
		}
	case bool:
		if s {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

func toUint64(src any) (uint64, bool) {
	switch s := src.(type) {
	case uint64:
		return s, true
	case int64:
		if s >= 0 {
			return uint64(s), true
		}
	case bool:
		if s {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}
