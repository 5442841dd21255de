package rowbinary

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
)

// ErrShort means the buffer ended inside a value.
var ErrShort = errors.New("rowbinary: unexpected end of data")

// Reader decodes values from a RowBinary buffer.
type Reader struct {
	buf []byte
	pos int
}

// NewReader returns a Reader over buf.
func NewReader(buf []byte) *Reader { return &Reader{buf: buf} }

// Done reports whether the whole buffer has been read.
func (r *Reader) Done() bool { return r.pos >= len(r.buf) }

func (r *Reader) take(n int) ([]byte, error) {
	if n < 0 || len(r.buf)-r.pos < n {
		return nil, ErrShort
	}
	b := r.buf[r.pos : r.pos+n]
	r.pos += n
	return b, nil
}

// Uvarint reads a LEB128 length.
func (r *Reader) Uvarint() (uint64, error) {
	v, n := binary.Uvarint(r.buf[r.pos:])
	if n <= 0 {
		return 0, ErrShort
	}
	r.pos += n
	return v, nil
}

// String reads a length-prefixed string.
func (r *Reader) String() (string, error) {
	n, err := r.Uvarint()
	if err != nil {
		return "", err
	}
	if n > uint64(len(r.buf)-r.pos) {
		return "", ErrShort
	}
	b, err := r.take(int(n))
	return string(b), err
}

// Header reads the column names and types that start RowBinaryWithNamesAndTypes.
func (r *Reader) Header() (names []string, types []*Type, err error) {
	n, err := r.Uvarint()
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read column count: %w", err)
	}
	if n > uint64(len(r.buf)) {
		return nil, nil, fmt.Errorf("column count %d is larger than the result", n)
	}
	names = make([]string, n)
	for i := range names {
		if names[i], err = r.String(); err != nil {
			return nil, nil, fmt.Errorf("cannot read column name %d: %w", i, err)
		}
	}
	types = make([]*Type, n)
	for i := range types {
		name, err := r.String()
		if err != nil {
			return nil, nil, fmt.Errorf("cannot read column type %d: %w", i, err)
		}
		if types[i], err = Parse(name); err != nil {
			return nil, nil, fmt.Errorf("column %s: %w", names[i], err)
		}
	}
	return names, types, nil
}

// Decode reads one value of type t, as the canonical Go types documented on
// queries.ScanValue.
func (t *Type) Decode(r *Reader) (any, error) {
	switch t.kind {
	case kInt8:
		b, err := r.take(1)
		if err != nil {
			return nil, err
		}
		return int64(int8(b[0])), nil
	case kInt16:
		b, err := r.take(2)
		if err != nil {
			return nil, err
		}
		return int64(int16(binary.LittleEndian.Uint16(b))), nil
	case kInt32:
		b, err := r.take(4)
		if err != nil {
			return nil, err
		}
		return int64(int32(binary.LittleEndian.Uint32(b))), nil
	case kInt64:
		b, err := r.take(8)
		if err != nil {
			return nil, err
		}
		return int64(binary.LittleEndian.Uint64(b)), nil
	case kUInt8:
		b, err := r.take(1)
		if err != nil {
			return nil, err
		}
		return uint64(b[0]), nil
	case kUInt16:
		b, err := r.take(2)
		if err != nil {
			return nil, err
		}
		return uint64(binary.LittleEndian.Uint16(b)), nil
	case kUInt32:
		b, err := r.take(4)
		if err != nil {
			return nil, err
		}
		return uint64(binary.LittleEndian.Uint32(b)), nil
	case kUInt64:
		b, err := r.take(8)
		if err != nil {
			return nil, err
		}
		return binary.LittleEndian.Uint64(b), nil
	case kFloat32:
		b, err := r.take(4)
		if err != nil {
			return nil, err
		}
		return float64(math.Float32frombits(binary.LittleEndian.Uint32(b))), nil
	case kFloat64:
		b, err := r.take(8)
		if err != nil {
			return nil, err
		}
		return math.Float64frombits(binary.LittleEndian.Uint64(b)), nil
	case kBool:
		b, err := r.take(1)
		if err != nil {
			return nil, err
		}
		return b[0] != 0, nil
	case kString:
		return r.String()
	case kFixedString:
		b, err := r.take(t.size)
		return string(b), err
	case kDate:
		b, err := r.take(2)
		if err != nil {
			return nil, err
		}
		return t.timeAt(int64(binary.LittleEndian.Uint16(b))), nil
	case kDate32:
		b, err := r.take(4)
		if err != nil {
			return nil, err
		}
		return t.timeAt(int64(int32(binary.LittleEndian.Uint32(b)))), nil
	case kDateTime:
		b, err := r.take(4)
		if err != nil {
			return nil, err
		}
		return t.timeAt(int64(binary.LittleEndian.Uint32(b))), nil
	case kDateTime64:
		b, err := r.take(8)
		if err != nil {
			return nil, err
		}
		return t.timeAt(int64(binary.LittleEndian.Uint64(b))), nil
	case kDecimal32:
		b, err := r.take(4)
		if err != nil {
			return nil, err
		}
		return float64(int32(binary.LittleEndian.Uint32(b))) / float64(pow10[t.scale]), nil
	case kDecimal64:
		b, err := r.take(8)
		if err != nil {
			return nil, err
		}
		return decimalFloat(int64(binary.LittleEndian.Uint64(b)), t.scale), nil
	case kUUID:
		b, err := r.take(16)
		if err != nil {
			return nil, err
		}
		return uuidText(uuidLayout([16]byte(b))), nil
	case kEnum8, kEnum16:
		var code int64
		if t.kind == kEnum8 {
			b, err := r.take(1)
			if err != nil {
				return nil, err
			}
			code = int64(int8(b[0]))
		} else {
			b, err := r.take(2)
			if err != nil {
				return nil, err
			}
			code = int64(int16(binary.LittleEndian.Uint16(b)))
		}
		name, ok := t.enumName[code]
		if !ok {
			return nil, fmt.Errorf("enum code %d is not in %s", code, t.label())
		}
		return name, nil
	case kNullable:
		b, err := r.take(1)
		if err != nil {
			return nil, err
		}
		if b[0] != 0 {
			return nil, nil
		}
		return t.elem().Decode(r)
	case kNothing:
		return nil, nil
	case kArray:
		n, err := r.Uvarint()
		if err != nil {
			return nil, err
		}
		// Every element takes at least one byte, except Nothing, which only
		// the empty array [] has; so a length larger than what is left is
		// corrupt, and is refused before anything is allocated for it.
		if n > uint64(len(r.buf)-r.pos) || t.elem().kind == kNothing && n > 0 {
			return nil, ErrShort
		}
		out := make([]any, n)
		for i := range out {
			if out[i], err = t.elem().Decode(r); err != nil {
				return nil, err
			}
		}
		return out, nil
	case kMap:
		n, err := r.Uvarint()
		if err != nil {
			return nil, err
		}
		if n > uint64(len(r.buf)-r.pos) {
			return nil, ErrShort
		}
		out := make(map[any]any, n)
		for range n {
			k, err := t.key().Decode(r)
			if err != nil {
				return nil, err
			}
			v, err := t.elem().Decode(r)
			if err != nil {
				return nil, err
			}
			out[k] = v
		}
		return out, nil
	case kTuple:
		out := make([]any, len(t.args))
		for i, e := range t.args {
			v, err := e.Decode(r)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	}
	return nil, fmt.Errorf("cannot decode %s", t.label())
}

// decimalFloat converts a scaled integer exactly-as-possible to float64.
func decimalFloat(v int64, scale int) float64 {
	f, _ := new(big.Rat).SetFrac(big.NewInt(v), big.NewInt(pow10[scale])).Float64()
	return f
}
