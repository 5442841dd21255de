package rowbinary

import (
	"fmt"
	"strconv"
	"strings"
)

// Parse parses a ClickHouse type name such as
// "Map(LowCardinality(String), UInt64)" for the RowBinary codec. It refuses
// types whose values Encode and Decode cannot handle (Int128, IPv4,
// Decimal128, ...), so that a batch or a result fails on its column types
// before its first row.
func Parse(name string) (*Type, error) {
	t, err := ParseAny(name)
	if err != nil {
		return nil, err
	}
	if err := t.unsupported(); err != nil {
		return nil, fmt.Errorf("cannot parse ClickHouse type %q: %w", name, err)
	}
	return t, nil
}

// ParseAny parses any well-formed ClickHouse type name. Types that this
// package has no rules for (Int128, IPv4, AggregateFunction(...)) are kept
// by name: Canonical passes their values through, for the server engine's
// driver to convert, and Encode and Decode refuse them.
func ParseAny(name string) (*Type, error) {
	p := &typeParser{s: name}
	t, err := p.parse()
	if err == nil {
		p.skipSpace()
		if p.pos != len(p.s) {
			err = fmt.Errorf("unexpected %q at %d", p.s[p.pos:], p.pos)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("cannot parse ClickHouse type %q: %w", name, err)
	}
	return t, nil
}

// unsupported reports the first type within t that Encode and Decode cannot
// handle.
func (t *Type) unsupported() error {
	switch t.kind {
	case kOther:
		return fmt.Errorf("type %s is not supported", t.base)
	case kDecimalWide: // wider than 64 bits
		return fmt.Errorf("type %s is not supported", t.Name)
	}
	for _, a := range t.args {
		if err := a.unsupported(); err != nil {
			return err
		}
	}
	return nil
}

// simple maps the names of the types without arguments that have rules.
var simple = map[string]kind{
	"Int8": kInt8, "Int16": kInt16, "Int32": kInt32, "Int64": kInt64,
	"UInt8": kUInt8, "UInt16": kUInt16, "UInt32": kUInt32, "UInt64": kUInt64,
	"Float32": kFloat32, "Float64": kFloat64, "Bool": kBool, "String": kString,
	"Date": kDate, "Date32": kDate32, "UUID": kUUID, "Nothing": kNothing,
}

type typeParser struct {
	s   string
	pos int
}

func (p *typeParser) parse() (*Type, error) {
	p.skipSpace()
	start := p.pos
	base := p.ident()
	if base == "" {
		return nil, fmt.Errorf("expected a type name at %d", p.pos)
	}
	t := &Type{base: base}
	if k, ok := simple[base]; ok {
		t.kind = k
	} else if err := p.arguments(t); err != nil {
		return nil, err
	}
	t.Name = strings.TrimSpace(p.s[start:p.pos])
	return t, nil
}

// arguments sets the kind of t, a type that may take arguments, and parses
// them.
func (p *typeParser) arguments(t *Type) (err error) {
	switch t.base {
	case "Nullable":
		t.kind = kNullable
		t.args, err = p.typeArgs(1)
	case "Array":
		t.kind = kArray
		t.args, err = p.typeArgs(1)
	case "LowCardinality":
		var args []*Type
		if args, err = p.typeArgs(1); err == nil {
			t.wrap(args[0])
		}
	case "Map":
		t.kind = kMap
		t.args, err = p.typeArgs(2)
	case "Tuple":
		t.kind = kTuple
		err = p.tuple(t)
	case "SimpleAggregateFunction":
		var inner *Type
		if inner, err = p.simpleAggregate(); err == nil {
			t.wrap(inner)
		}
	case "Enum8", "Enum16":
		err = p.enum(t)
	case "Decimal", "Decimal32", "Decimal64", "Decimal128", "Decimal256":
		err = p.decimal(t)
	case "FixedString":
		t.kind = kFixedString
		var args []string
		if args, err = p.rawArgs(); err == nil {
			if t.size, err = strconv.Atoi(args[0]); err != nil || t.size <= 0 {
				err = fmt.Errorf("bad FixedString size %q", args[0])
			}
		}
	case "DateTime64":
		t.kind = kDateTime64
		var args []string
		if args, err = p.rawArgs(); err == nil {
			if t.scale, err = strconv.Atoi(args[0]); err != nil || t.scale < 0 || t.scale > 9 {
				err = fmt.Errorf("bad DateTime64 precision %q", args[0])
			}
		}
	default:
		// DateTime's time zone, and the arguments of types kept by name
		// (AggregateFunction, Nested, ...), are skipped as text.
		if t.base == "DateTime" {
			t.kind = kDateTime
		}
		if p.peek() == '(' {
			_, err = p.rawArgs()
		}
	}
	return err
}

func (p *typeParser) skipSpace() {
	for p.pos < len(p.s) && strings.IndexByte(" \t\n\r", p.s[p.pos]) >= 0 {
		p.pos++
	}
}

func (p *typeParser) peek() byte {
	p.skipSpace()
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

func (p *typeParser) expect(c byte) error {
	if p.peek() != c {
		return fmt.Errorf("expected %q at %d", c, p.pos)
	}
	p.pos++
	return nil
}

// ident reads a bare identifier, or a backquoted one (tuple element names).
func (p *typeParser) ident() string {
	p.skipSpace()
	if p.pos < len(p.s) && p.s[p.pos] == '`' {
		var b strings.Builder
		for i := p.pos + 1; i < len(p.s); i++ {
			switch c := p.s[i]; {
			case c == '\\' && i+1 < len(p.s):
				i++
				b.WriteByte(p.s[i])
			case c == '`':
				p.pos = i + 1
				return b.String()
			default:
				b.WriteByte(c)
			}
		}
		return "" // unclosed: let the caller report the position
	}
	start := p.pos
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			p.pos++
			continue
		}
		break
	}
	return p.s[start:p.pos]
}

// rawArgs returns the comma-separated arguments inside parentheses as text,
// for types whose arguments are not types (Enum, Decimal, DateTime64, ...).
func (p *typeParser) rawArgs() ([]string, error) {
	if err := p.expect('('); err != nil {
		return nil, err
	}
	var args []string
	depth, start, quoted := 0, p.pos, false
	for ; p.pos < len(p.s); p.pos++ {
		c := p.s[p.pos]
		switch {
		case quoted && c == '\\':
			p.pos++
		case c == '\'':
			quoted = !quoted
		case quoted:
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case c == ')':
			args = append(args, strings.TrimSpace(p.s[start:p.pos]))
			p.pos++
			return args, nil
		case c == ',' && depth == 0:
			args = append(args, strings.TrimSpace(p.s[start:p.pos]))
			start = p.pos + 1
		}
	}
	return nil, fmt.Errorf("unclosed parenthesis")
}

// typeArgs parses n type arguments in parentheses.
func (p *typeParser) typeArgs(n int) ([]*Type, error) {
	if err := p.expect('('); err != nil {
		return nil, err
	}
	out := make([]*Type, n)
	for i := range out {
		if i > 0 {
			if err := p.expect(','); err != nil {
				return nil, err
			}
		}
		t, err := p.parse()
		if err != nil {
			return nil, err
		}
		out[i] = t
	}
	return out, p.expect(')')
}

func (p *typeParser) tuple(t *Type) error {
	if err := p.expect('('); err != nil {
		return err
	}
	for {
		// A named element is "name Type"; an unnamed one is just "Type".
		save := p.pos
		name := p.ident()
		if c := p.peek(); name == "" || c == '(' || c == ',' || c == ')' {
			name, p.pos = "", save
		}
		e, err := p.parse()
		if err != nil {
			return err
		}
		t.args = append(t.args, e)
		t.fields = append(t.fields, name)
		if p.peek() == ',' {
			p.pos++
			continue
		}
		return p.expect(')')
	}
}

// simpleAggregate parses the arguments of SimpleAggregateFunction(func, T),
// whose values are plain values of T, and returns T.
func (p *typeParser) simpleAggregate() (*Type, error) {
	if err := p.expect('('); err != nil {
		return nil, err
	}
	// The function may have parameters of its own: sumMap(...) is rare but legal.
	depth := 0
	for ; p.pos < len(p.s); p.pos++ {
		c := p.s[p.pos]
		if c == '(' {
			depth++
		} else if c == ')' {
			depth--
		} else if c == ',' && depth == 0 {
			break
		}
	}
	if err := p.expect(','); err != nil {
		return nil, err
	}
	inner, err := p.parse()
	if err != nil {
		return nil, err
	}
	return inner, p.expect(')')
}

// wrap makes t, a LowCardinality or SimpleAggregateFunction, a copy of the
// type it wraps that remembers the wrapper (see Type).
func (t *Type) wrap(inner *Type) {
	wrapper := t.base
	*t = *inner
	t.wrapper, t.wraps = wrapper, inner
}

func (p *typeParser) enum(t *Type) error {
	t.kind = kEnum8
	if t.base == "Enum16" {
		t.kind = kEnum16
	}
	args, err := p.rawArgs()
	if err != nil {
		return err
	}
	t.enumCode = make(map[string]int64, len(args))
	t.enumName = make(map[int64]string, len(args))
	for _, a := range args {
		eq := strings.LastIndexByte(a, '=')
		if eq < 0 {
			return fmt.Errorf("enum element %q has no value", a)
		}
		label, ok := unquote(strings.TrimSpace(a[:eq]))
		if !ok {
			return fmt.Errorf("bad enum label %q", a[:eq])
		}
		code, err := strconv.ParseInt(strings.TrimSpace(a[eq+1:]), 10, 16)
		if err != nil {
			return fmt.Errorf("bad enum code in %q", a)
		}
		t.enumCode[label], t.enumName[code] = code, label
	}
	return nil
}

func (p *typeParser) decimal(t *Type) error {
	args, err := p.rawArgs()
	if err != nil {
		return err
	}
	atoi := func(i int) int {
		if err == nil && i < len(args) {
			var n int
			n, err = strconv.Atoi(args[i])
			return n
		}
		if err == nil {
			err = fmt.Errorf("missing argument")
		}
		return 0
	}
	switch t.base {
	case "Decimal":
		t.prec, t.scale = atoi(0), atoi(1)
	case "Decimal32":
		t.prec, t.scale = 9, atoi(0)
	case "Decimal64":
		t.prec, t.scale = 18, atoi(0)
	case "Decimal128":
		t.prec, t.scale = 38, atoi(0)
	default:
		t.prec, t.scale = 76, atoi(0)
	}
	if err != nil || t.scale < 0 || t.scale > t.prec {
		return fmt.Errorf("bad %s arguments %q", t.base, args)
	}
	// The storage follows the precision, whatever the spelling.
	switch {
	case t.prec <= 9:
		t.kind = kDecimal32
	case t.prec <= 18:
		t.kind = kDecimal64
	default:
		t.kind = kDecimalWide
	}
	return nil
}

// unquote reads a single-quoted ClickHouse string literal.
func unquote(s string) (string, bool) {
	if len(s) < 2 || s[0] != '\'' || s[len(s)-1] != '\'' {
		return "", false
	}
	var b strings.Builder
	for i := 1; i < len(s)-1; i++ {
		if s[i] == '\\' && i+1 < len(s)-1 {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String(), true
}
