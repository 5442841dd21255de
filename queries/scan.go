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

// assign stores src into dst by reflection, for destinations ScanValue has no
// fast path for. It only dispatches on the destination's kind: NULL-able
// destinations (pointers, any) first, since they are the only ones a NULL may
// go into, then one helper per group of kinds, so that each conversion rule
// reads on its own and the per-row cost stays one switch and one call.
func assign(dst reflect.Value, src any) error {
	if dst.Kind() == reflect.Pointer {
		return assignPointer(dst, src)
	}
	if dst.Kind() == reflect.Interface && dst.NumMethod() == 0 {
		assignAny(dst, src)
		return nil
	}
	if src == nil {
		return fmt.Errorf("cannot scan NULL into %s (use a pointer)", dst.Type())
	}
	var ok bool
	switch dst.Kind() {
	case reflect.String:
		ok = assignString(dst, src)
	case reflect.Bool:
		ok = assignBool(dst, src)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		ok = assignInt(dst, src)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		ok = assignUint(dst, src)
	case reflect.Float32, reflect.Float64:
		ok = assignFloat(dst, src)
	case reflect.Struct:
		ok = assignTime(dst, src)
	case reflect.Slice:
		return assignSlice(dst, src)
	case reflect.Map:
		return assignMap(dst, src)
	}
	if !ok {
		return errCannotScan(dst, src)
	}
	return nil
}

// errCannotScan is the one error for a value that has no lossless conversion
// to the destination, shared by assign and the helpers that return errors of
// their own (slices and maps) so the message stays the same whichever path
// rejected the value.
func errCannotScan(dst reflect.Value, src any) error {
	return fmt.Errorf("cannot scan %T into %s", src, dst.Type())
}

// assignPointer stores NULL as a nil pointer and anything else into a freshly
// allocated element, so a pointer destination is how callers read Nullable
// columns.
func assignPointer(dst reflect.Value, src any) error {
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

// assignAny stores src unconverted into an empty interface (NULL as nil),
// like the *any fast path of ScanValue but for an any nested in a slice, map
// or pointer.
func assignAny(dst reflect.Value, src any) {
	if src == nil {
		dst.SetZero()
	} else {
		dst.Set(reflect.ValueOf(src))
	}
}

// assignString stores a string into any string kind, named types included.
func assignString(dst reflect.Value, src any) bool {
	if s, ok := src.(string); ok {
		dst.SetString(s)
		return true
	}
	return false
}

// assignBool accepts a bool or an integer (ClickHouse Bool is a UInt8 on
// some decoding paths), non-zero being true.
func assignBool(dst reflect.Value, src any) bool {
	switch s := src.(type) {
	case bool:
		dst.SetBool(s)
		return true
	case uint64:
		dst.SetBool(s != 0)
		return true
	case int64:
		dst.SetBool(s != 0)
		return true
	}
	return false
}

// assignInt stores an integer into any signed width, refusing values the
// width cannot hold rather than wrapping them.
func assignInt(dst reflect.Value, src any) bool {
	if n, ok := toInt64(src); ok && !dst.OverflowInt(n) {
		dst.SetInt(n)
		return true
	}
	return false
}

// assignUint stores an integer into any unsigned width, refusing negative
// values and values the width cannot hold rather than wrapping them.
func assignUint(dst reflect.Value, src any) bool {
	if n, ok := toUint64(src); ok && !dst.OverflowUint(n) {
		dst.SetUint(n)
		return true
	}
	return false
}

// assignFloat stores a float or an integer into float32/float64.
func assignFloat(dst reflect.Value, src any) bool {
	switch s := src.(type) {
	case float64:
		dst.SetFloat(s)
		return true
	case int64:
		dst.SetFloat(float64(s))
		return true
	case uint64:
		dst.SetFloat(float64(s))
		return true
	}
	return false
}

// assignTime accepts time.Time as the only struct destination: engines
// decode no other struct.
func assignTime(dst reflect.Value, src any) bool {
	if t, ok := src.(time.Time); ok && dst.Type() == reflect.TypeOf(time.Time{}) {
		dst.Set(reflect.ValueOf(t))
		return true
	}
	return false
}

// assignSlice converts an Array (or Tuple) element by element, naming the
// element that failed, and a String into []byte.
func assignSlice(dst reflect.Value, src any) error {
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
	return errCannotScan(dst, src)
}

// assignMap converts a Map key by key and value by value, saying whether a
// key or which key's value failed.
func assignMap(dst reflect.Value, src any) error {
	m, ok := src.(map[any]any)
	if !ok {
		return errCannotScan(dst, src)
	}
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
