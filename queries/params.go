package queries

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Param binds one {name:Type} placeholder. The engine sends the value to
// ClickHouse separately from the SQL text, so it can never change the query.
type Param struct {
	Name  string
	Value any
}

// Named returns a Param for placeholder name.
func Named(name string, value any) Param { return Param{Name: name, Value: value} }

// formatTime renders a time as parameter text. Parameters are typed by their
// placeholder (always with an explicit 'UTC' zone in imscope's SQL), so the
// text carries no zone and is always UTC. A midnight is written as a bare
// date, which Date, DateTime and DateTime64 placeholders all accept.
func formatTime(t time.Time) string {
	t = t.UTC()
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
		return t.Format(time.DateOnly)
	}
	return t.Format("2006-01-02 15:04:05.999999999")
}

// FormatParam renders v as the text ClickHouse parses for a query parameter.
// ClickHouse reads a scalar parameter in its "escaped" (TSV) form, so
// backslashes, tabs, newlines and NUL are escaped here; nil is NULL.
// Collections are read as literals: arrays and maps with single-quoted,
// backslash-escaped elements.
func FormatParam(v any) (string, error) {
	if v == nil {
		return `\N`, nil
	}
	var b strings.Builder
	if err := writeTop(&b, reflect.ValueOf(v)); err != nil {
		return "", err
	}
	return b.String(), nil
}

// writeTop writes a top-level value: scalars unquoted (escaped), collections
// as literals.
func writeTop(b *strings.Builder, v reflect.Value) error {
	if t, ok := v.Interface().(time.Time); ok {
		b.WriteString(formatTime(t))
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		writeEscaped(b, v.String())
		return nil
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 && v.Kind() == reflect.Slice {
			writeEscaped(b, string(v.Bytes()))
			return nil
		}
		return writeLiteral(b, v)
	case reflect.Map:
		return writeLiteral(b, v)
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString(`\N`)
			return nil
		}
		return writeTop(b, v.Elem())
	}
	return writeNumber(b, v)
}

// writeLiteral writes v as a ClickHouse literal inside an array or map.
func writeLiteral(b *strings.Builder, v reflect.Value) error {
	if t, ok := v.Interface().(time.Time); ok {
		b.WriteByte('\'')
		b.WriteString(formatTime(t))
		b.WriteByte('\'')
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		writeQuoted(b, v.String())
		return nil
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			writeQuoted(b, string(v.Bytes()))
			return nil
		}
		b.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeLiteral(b, v.Index(i)); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		return nil
	case reflect.Map:
		keys := v.MapKeys()
		// Sorted so the same map always gives the same text (stable query cache keys).
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeLiteral(b, k); err != nil {
				return err
			}
			b.WriteByte(':')
			if err := writeLiteral(b, v.MapIndex(k)); err != nil {
				return err
			}
		}
		b.WriteByte('}')
		return nil
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("NULL")
			return nil
		}
		return writeLiteral(b, v.Elem())
	}
	return writeNumber(b, v)
}

func writeNumber(b *strings.Builder, v reflect.Value) error {
	switch v.Kind() {
	case reflect.Bool:
		if v.Bool() {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		b.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		switch {
		case math.IsNaN(f):
			b.WriteString("nan")
		case math.IsInf(f, 1):
			b.WriteString("inf")
		case math.IsInf(f, -1):
			b.WriteString("-inf")
		default:
			b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
		}
	default:
		return fmt.Errorf("cannot pass a %s as a query parameter", v.Type())
	}
	return nil
}

// writeEscaped escapes s for ClickHouse's escaped (TSV) text form.
func writeEscaped(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case 0:
			b.WriteString(`\0`)
		default:
			b.WriteByte(c)
		}
	}
}

// writeQuoted writes s as a single-quoted ClickHouse string literal.
func writeQuoted(b *strings.Builder, s string) {
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case '\'':
			b.WriteString(`\'`)
		case 0:
			b.WriteString(`\0`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
}

// QuoteIdentifier quotes a table or column name for the few places where
// ClickHouse accepts no {name:Identifier} parameter (an INSERT's column list).
func QuoteIdentifier(name string) string {
	var b strings.Builder
	b.WriteByte('`')
	for i := 0; i < len(name); i++ {
		switch c := name[i]; c {
		case '`', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case 0:
			b.WriteString(`\0`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('`')
	return b.String()
}
