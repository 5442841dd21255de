package rowbinary

import (
	"encoding/hex"
	"fmt"
	"reflect"
	"strings"
)

// uuidOf reads a UUID's text (dashes optional) or its 16 bytes in RFC 4122
// order (a [16]byte or a named array of them, such as uuid.UUID).
func uuidOf(v any) ([16]byte, error) {
	var u [16]byte
	switch x := v.(type) {
	case string:
		h := strings.ReplaceAll(x, "-", "")
		if len(h) != 32 {
			return u, fmt.Errorf("%q is not a UUID", x)
		}
		if _, err := hex.Decode(u[:], []byte(h)); err != nil {
			return u, fmt.Errorf("%q is not a UUID", x)
		}
	case [16]byte:
		u = x
	default:
		rv := reflect.ValueOf(v)
		if !rv.IsValid() || rv.Kind() != reflect.Array || rv.Len() != 16 || rv.Type().Elem().Kind() != reflect.Uint8 {
			return u, fmt.Errorf("cannot store %T in UUID", v)
		}
		reflect.Copy(reflect.ValueOf(u[:]), rv)
	}
	return u, nil
}

// uuidLayout turns a UUID's bytes in RFC 4122 order into the order
// RowBinary stores them in, two little-endian 64-bit halves, and back.
func uuidLayout(u [16]byte) [16]byte {
	var out [16]byte
	for i := range 8 {
		out[i], out[8+i] = u[7-i], u[15-i]
	}
	return out
}

// uuidText is a UUID's canonical text, as Decode gives it.
func uuidText(u [16]byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}
