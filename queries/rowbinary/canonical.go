package rowbinary

import "github.com/shopspring/decimal"

// Canonical converts v, a value given for a column of type t, to the one Go
// value that stands for what the column stores, or refuses it with the
// error Encode gives for it. The server engine converts its batch values
// with it, and the embedded engine encodes by the same rules (convert.go),
// so a value fits on both engines or on neither.
//
// Canonical values are: integers of the column's exact width (int8 ...
// uint64), float32 or float64, bool, string (String and FixedString, not
// padded), an Enum's label, time.Time in UTC cut to what the column keeps
// (a Date is midnight of its day), decimal.Decimal rounded to the column's
// scale, a UUID's text, []any for an Array or a Tuple (a []string for an
// Array of String or LowCardinality(String), and a []float64 for an Array
// of Float64, are kept as they are), *Pairs for a Map, and nil for NULL.
// Values of types kept by name (see ParseAny) are passed through unless
// NULL.
func (t *Type) Canonical(v any) (any, error) {
	switch t.kind {
	case kInt8, kInt16, kInt32, kInt64:
		n, err := t.intOf(v)
		if err != nil {
			return nil, err
		}
		switch t.kind {
		case kInt8:
			return int8(n), nil
		case kInt16:
			return int16(n), nil
		case kInt32:
			return int32(n), nil
		}
		return n, nil
	case kUInt8, kUInt16, kUInt32, kUInt64:
		n, err := t.uintOf(v)
		if err != nil {
			return nil, err
		}
		switch t.kind {
		case kUInt8:
			return uint8(n), nil
		case kUInt16:
			return uint16(n), nil
		case kUInt32:
			return uint32(n), nil
		}
		return n, nil
	case kEnum8, kEnum16:
		n, err := t.intOf(v)
		if err != nil {
			return nil, err
		}
		return t.enumName[n], nil
	case kFloat32:
		f, err := t.floatOf(v)
		return value(float32(f), err)
	case kFloat64:
		return value(t.floatOf(v))
	case kBool:
		return value(t.boolOf(v))
	case kString:
		return value(t.stringOf(v))
	case kFixedString:
		return value(t.fixedOf(v))
	case kDate, kDate32, kDateTime, kDateTime64:
		n, err := t.timeOf(v)
		return value(t.timeAt(n), err)
	case kDecimal32, kDecimal64:
		n, err := t.decimalOf(v)
		return value(decimal.New(n, -int32(t.scale)), err)
	case kDecimalWide:
		// Wider than this package stores: the driver rounds.
		f, err := t.floatOf(v)
		return value(decimal.NewFromFloat(f), err)
	case kUUID:
		u, err := uuidOf(v)
		return value(uuidText(u), err)
	case kNullable:
		if isNil(v) {
			return nil, nil
		}
		return t.elem().Canonical(deref(v))
	case kArray:
		return t.canonicalArray(v)
	case kMap:
		return t.canonicalMap(v)
	case kTuple:
		return t.canonicalTuple(v)
	}
	// Nothing, and types kept by name: the driver decides, except that NULL
	// needs a Nullable column.
	if isNil(v) {
		return nil, t.mismatch(v)
	}
	return v, nil
}

// value is x as an any, or nil when err says there is no value.
func value[T any](x T, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return x, nil
}

func (t *Type) canonicalArray(v any) (any, error) {
	// The common cases need no conversion, and drivers take them as they are.
	switch s := v.(type) {
	case []string:
		if t.elem().kind == kString {
			return s, nil
		}
	case []float64:
		if t.elem().kind == kFloat64 {
			return s, nil
		}
	}
	rv, err := t.listOf(v)
	if err != nil {
		return nil, err
	}
	out := make([]any, rv.Len())
	for i := range out {
		if out[i], err = t.elem().Canonical(rv.Index(i).Interface()); err != nil {
			return nil, arrayElementError(i, err)
		}
	}
	return out, nil
}

// Pairs is a Map value in canonical form: its keys and values, converted, in
// the order the Go map gave them. A Go map would not do: keys of different
// Go types can convert to the same canonical key.
type Pairs struct {
	Keys, Values []any
}

func (t *Type) canonicalMap(v any) (any, error) {
	rv, err := t.mapOf(v)
	if err != nil {
		return nil, err
	}
	p := &Pairs{Keys: make([]any, 0, rv.Len()), Values: make([]any, 0, rv.Len())}
	for it := rv.MapRange(); it.Next(); {
		k, err := t.key().Canonical(it.Key().Interface())
		if err != nil {
			return nil, mapKeyError(err)
		}
		e, err := t.elem().Canonical(it.Value().Interface())
		if err != nil {
			return nil, mapValueError(err)
		}
		p.Keys, p.Values = append(p.Keys, k), append(p.Values, e)
	}
	return p, nil
}

func (t *Type) canonicalTuple(v any) (any, error) {
	rv, err := t.tupleOf(v)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(t.args))
	for i, e := range t.args {
		if out[i], err = e.Canonical(rv.Index(i).Interface()); err != nil {
			return nil, tupleElementError(i, err)
		}
	}
	return out, nil
}
