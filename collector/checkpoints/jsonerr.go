package checkpoints

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"unicode/utf8"
)

// describeJSON turns a decoding error into a message for the sender of the
// body, naming the field at fault (prefixed by at, like "checkpoints[3]")
// rather than Go types.
func describeJSON(at string, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("%sinvalid JSON at byte %d: %s", prefix(at), syn.Offset, syn.Error())
	case errors.As(err, &typ):
		field := at
		if typ.Field != "" {
			if field != "" {
				field += "."
			}
			field += typ.Field
		}
		got := typ.Value
		if got == "" {
			got = "something else"
		}
		return fmt.Sprintf("%swant %s, got %s", prefix(field), goTypeName(typ.Type), got)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return prefix(at) + "unexpected end of JSON"
	default:
		return prefix(at) + err.Error()
	}
}

func prefix(at string) string {
	if at == "" {
		return ""
	}
	return at + ": "
}

func goTypeName(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	default:
		return "another type"
	}
}

// clip shortens s to at most n bytes on a rune boundary, so that messages
// quoting input (and stored free text) stay small whatever was sent.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
