package rowbinary

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Encode appends v, converted to type t, to buf: what Canonical gives for v,
// in RowBinary. Both also take a non-nil pointer to a string, time.Time,
// float64, bool, int64 or unsigned integer for a column that is not
// Nullable: a caller that hands over a row's fields so (queries' send)
// boxes no value in an interface, which cost half of a large insert's Go
// time. It goes by the same rules as Canonical (convert.go), without
// building the canonical value, and refuses the same values with the same
// errors: out of range, of the wrong kind, NULL for a non-Nullable column.
func (t *Type) Encode(buf []byte, v any) ([]byte, error) {
	switch t.kind {
	case kInt8, kInt16, kInt32, kInt64, kEnum8, kEnum16:
		n, err := t.intOf(v)
		if err != nil {
			return buf, err
		}
		return t.appendInt(buf, uint64(n)), nil
	case kUInt8, kUInt16, kUInt32, kUInt64:
		n, err := t.uintOf(v)
		if err != nil {
			return buf, err
		}
		return t.appendInt(buf, n), nil
	case kFloat32, kFloat64:
		f, ok := floatValue(v) // floatOf's rule, without a call
		if !ok {
			return buf, t.mismatch(v)
		}
		if t.kind == kFloat32 {
			return binary.LittleEndian.AppendUint32(buf, math.Float32bits(float32(f))), nil
		}
		return binary.LittleEndian.AppendUint64(buf, math.Float64bits(f)), nil
	case kBool:
		b, err := t.boolOf(v)
		if err != nil {
			return buf, err
		}
		if b {
			return append(buf, 1), nil
		}
		return append(buf, 0), nil
	case kString:
		// The common cases without a call, and a []byte without a copy.
		switch x := v.(type) {
		case string:
			buf = binary.AppendUvarint(buf, uint64(len(x)))
			return append(buf, x...), nil
		case []byte:
			buf = binary.AppendUvarint(buf, uint64(len(x)))
			return append(buf, x...), nil
		case *string:
			if x != nil {
				buf = binary.AppendUvarint(buf, uint64(len(*x)))
				return append(buf, *x...), nil
			}
		}
		s, err := t.stringOf(v)
		if err != nil {
			return buf, err
		}
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		return append(buf, s...), nil
	case kFixedString:
		s, err := t.fixedOf(v)
		if err != nil {
			return buf, err
		}
		buf = append(buf, s...)
		for i := len(s); i < t.size; i++ {
			buf = append(buf, 0)
		}
		return buf, nil
	case kDate, kDate32, kDateTime, kDateTime64:
		n, err := t.timeOf(v)
		if err != nil {
			return buf, err
		}
		if t.kind == kDateTime64 { // the common case, without another switch
			return binary.LittleEndian.AppendUint64(buf, uint64(n)), nil
		}
		return t.appendInt(buf, uint64(n)), nil
	case kDecimal32, kDecimal64:
		n, err := t.decimalOf(v)
		if err != nil {
			return buf, err
		}
		return t.appendInt(buf, uint64(n)), nil
	case kUUID:
		u, err := uuidOf(v)
		if err != nil {
			return buf, err
		}
		u = uuidLayout(u)
		return append(buf, u[:]...), nil
	case kNullable:
		if isNil(v) {
			return append(buf, 1), nil
		}
		return t.elem().Encode(append(buf, 0), deref(v))
	case kArray:
		return t.encodeArray(buf, v)
	case kMap:
		return t.encodeMap(buf, v)
	case kTuple:
		return t.encodeTuple(buf, v)
	}
	return buf, fmt.Errorf("cannot encode %s", t.label())
}

// appendInt appends the low bytes of n, little-endian, as many as a value of
// t takes.
func (t *Type) appendInt(buf []byte, n uint64) []byte {
	switch t.kind {
	case kInt8, kUInt8, kEnum8:
		return append(buf, byte(n))
	case kInt16, kUInt16, kEnum16, kDate:
		return binary.LittleEndian.AppendUint16(buf, uint16(n))
	case kInt32, kUInt32, kDate32, kDateTime, kDecimal32:
		return binary.LittleEndian.AppendUint32(buf, uint32(n))
	}
	return binary.LittleEndian.AppendUint64(buf, n)
}

func (t *Type) encodeArray(buf []byte, v any) ([]byte, error) {
	var err error
	// The common cases without reflection.
	switch s := v.(type) {
	case []string:
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		for i, e := range s {
			if buf, err = t.elem().Encode(buf, e); err != nil {
				return buf, arrayElementError(i, err)
			}
		}
		return buf, nil
	case []float64:
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		for i, e := range s {
			if buf, err = t.elem().Encode(buf, e); err != nil {
				return buf, arrayElementError(i, err)
			}
		}
		return buf, nil
	}
	rv, err := t.listOf(v)
	if err != nil {
		return buf, err
	}
	buf = binary.AppendUvarint(buf, uint64(rv.Len()))
	for i := 0; i < rv.Len(); i++ {
		if buf, err = t.elem().Encode(buf, rv.Index(i).Interface()); err != nil {
			return buf, arrayElementError(i, err)
		}
	}
	return buf, nil
}

func (t *Type) encodeMap(buf []byte, v any) ([]byte, error) {
	rv, err := t.mapOf(v)
	if err != nil {
		return buf, err
	}
	buf = binary.AppendUvarint(buf, uint64(rv.Len()))
	for it := rv.MapRange(); it.Next(); {
		if buf, err = t.key().Encode(buf, it.Key().Interface()); err != nil {
			return buf, mapKeyError(err)
		}
		if buf, err = t.elem().Encode(buf, it.Value().Interface()); err != nil {
			return buf, mapValueError(err)
		}
	}
	return buf, nil
}

func (t *Type) encodeTuple(buf []byte, v any) ([]byte, error) {
	rv, err := t.tupleOf(v)
	if err != nil {
		return buf, err
	}
	for i, e := range t.args {
		if buf, err = e.Encode(buf, rv.Index(i).Interface()); err != nil {
			return buf, tupleElementError(i, err)
		}
	}
	return buf, nil
}
