package rowbinary

import (
	"fmt"
	"strconv"
	"strings"
)

// kind is the physical layout of a column in RowBinary.
type kind int

const (
	kInt8 kind = iota
	kInt16
	kInt32
	kInt64
	kUInt8
	kUInt16
	kUInt32
	kUInt64
	kFloat32
	kFloat64
	kBool
	kString
	kFixedString
	kDate
	kDate32
	kDateTime
	kDateTime64
	kDecimal32
	kDecimal64
	kUUID
	kEnum8
	kEnum16
	kNullable
	kArray
	kMap
	kTuple
	kNothing
)

// Type is a parsed ClickHouse column type that knows its RowBinary layout.
type Type struct {
	Name  string // the type as ClickHouse spells it
	kind  kind
	scale int // DateTime64 precision, Decimal scale
	size  int // FixedString length
	elem  *Type
	key   *Type
	elems []*Type
	// Enum names to codes and back.
	enumCode map[string]int64
	enumName map[int64]string
}

// Parse parses a ClickHouse type name such as "Map(LowCardinality(String), UInt64)".
func Parse(name string) (*Type, error) {
	p := &typeParser{s: name}
	t, err := p.parse()
	if err != nil {
		return nil, fmt.Errorf("cannot parse ClickHouse type %q: %w", name, err)
	}
	p.skipSpace()
	if p.pos != len(p.s) {
		return nil, fmt.Errorf("cannot parse ClickHouse type %q: unexpected %q at %d", name, p.s[p.pos:], p.pos)
	}
	return t, nil
}

type typeParser struct {
	s   string
	pos int
}

func (p *typeParser) skipSpace() {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\n' || p.s[p.pos] == '\t') {
		p.pos++
	}
}

func (p *typeParser) ident() string {
	p.skipSpace()
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

// rawArgs returns the raw comma-separated arguments inside parentheses, for
// types whose arguments are not types (DateTime64, Enum, FixedString, Decimal).
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

var simple = map[string]kind{
	"Int8": kInt8, "Int16": kInt16, "Int32": kInt32, "Int64": kInt64,
	"UInt8": kUInt8, "UInt16": kUInt16, "UInt32": kUInt32, "UInt64": kUInt64,
	"Float32": kFloat32, "Float64": kFloat64, "Bool": kBool, "String": kString,
	"Date": kDate, "Date32": kDate32, "UUID": kUUID, "Nothing": kNothing,
}

func (p *typeParser) parse() (*Type, error) {
	start := p.pos
	name := p.ident()
	if name == "" {
		return nil, fmt.Errorf("expected a type name at %d", p.pos)
	}
	t := &Type{}
	defer func() { t.Name = strings.TrimSpace(p.s[start:p.pos]) }()
	if k, ok := simple[name]; ok {
		t.kind = k
		return t, nil
	}
	switch name {
	case "LowCardinality", "Nullable", "Array":
		if err := p.expect('('); err != nil {
			return nil, err
		}
		inner, err := p.parse()
		if err != nil {
			return nil, err
		}
		if err := p.expect(')'); err != nil {
			return nil, err
		}
		switch name {
		case "LowCardinality": // RowBinary writes the dictionary's values as the inner type
			inner.Name = ""
			*t = *inner
		case "Nullable":
			t.kind, t.elem = kNullable, inner
		default:
			t.kind, t.elem = kArray, inner
		}
		return t, nil
	case "Map":
		if err := p.expect('('); err != nil {
			return nil, err
		}
		k, err := p.parse()
		if err != nil {
			return nil, err
		}
		if err := p.expect(','); err != nil {
			return nil, err
		}
		v, err := p.parse()
		if err != nil {
			return nil, err
		}
		if err := p.expect(')'); err != nil {
			return nil, err
		}
		t.kind, t.key, t.elem = kMap, k, v
		return t, nil
	case "Tuple":
		if err := p.expect('('); err != nil {
			return nil, err
		}
		t.kind = kTuple
		for {
			// Named tuple elements are "name Type"; skip the name.
			save := p.pos
			first := p.ident()
			if c := p.peek(); first != "" && c != '(' && c != ',' && c != ')' {
				// first was an element name
			} else {
				p.pos = save
			}
			e, err := p.parse()
			if err != nil {
				return nil, err
			}
			t.elems = append(t.elems, e)
			if p.peek() == ',' {
				p.pos++
				continue
			}
			if err := p.expect(')'); err != nil {
				return nil, err
			}
			return t, nil
		}
	case "SimpleAggregateFunction":
		// RowBinary stores the plain value type, the last argument.
		if err := p.expect('('); err != nil {
			return nil, err
		}
		p.ident()
		for p.peek() != ',' && p.pos < len(p.s) {
			p.pos++
		}
		if err := p.expect(','); err != nil {
			return nil, err
		}
		inner, err := p.parse()
		if err != nil {
			return nil, err
		}
		if err := p.expect(')'); err != nil {
			return nil, err
		}
		*t = *inner
		return t, nil
	case "DateTime":
		t.kind = kDateTime
		if p.peek() == '(' {
			if _, err := p.rawArgs(); err != nil {
				return nil, err
			}
		}
		return t, nil
	case "DateTime64":
		args, err := p.rawArgs()
		if err != nil {
			return nil, err
		}
		t.kind = kDateTime64
		if t.scale, err = strconv.Atoi(args[0]); err != nil || t.scale < 0 || t.scale > 9 {
			return nil, fmt.Errorf("bad DateTime64 precision %q", args[0])
		}
		return t, nil
	case "FixedString":
		args, err := p.rawArgs()
		if err != nil {
			return nil, err
		}
		t.kind = kFixedString
		if t.size, err = strconv.Atoi(args[0]); err != nil || t.size <= 0 {
			return nil, fmt.Errorf("bad FixedString size %q", args[0])
		}
		return t, nil
	case "Decimal32", "Decimal64", "Decimal":
		args, err := p.rawArgs()
		if err != nil {
			return nil, err
		}
		prec := 0
		switch name {
		case "Decimal32":
			prec = 9
			t.scale, err = strconv.Atoi(args[0])
		case "Decimal64":
			prec = 18
			t.scale, err = strconv.Atoi(args[0])
		default:
			if len(args) != 2 {
				return nil, fmt.Errorf("Decimal needs precision and scale")
			}
			if prec, err = strconv.Atoi(args[0]); err == nil {
				t.scale, err = strconv.Atoi(args[1])
			}
		}
		if err != nil {
			return nil, fmt.Errorf("bad %s arguments", name)
		}
		switch {
		case prec <= 9:
			t.kind = kDecimal32
		case prec <= 18:
			t.kind = kDecimal64
		default:
			return nil, fmt.Errorf("Decimal wider than 64 bits is not supported")
		}
		return t, nil
	case "Enum8", "Enum16":
		args, err := p.rawArgs()
		if err != nil {
			return nil, err
		}
		t.kind = kEnum8
		if name == "Enum16" {
			t.kind = kEnum16
		}
		t.enumCode = make(map[string]int64, len(args))
		t.enumName = make(map[int64]string, len(args))
		for _, a := range args {
			eq := strings.LastIndexByte(a, '=')
			if eq < 0 {
				return nil, fmt.Errorf("enum element %q has no value", a)
			}
			label, ok := unquote(strings.TrimSpace(a[:eq]))
			if !ok {
				return nil, fmt.Errorf("bad enum label %q", a[:eq])
			}
			code, err := strconv.ParseInt(strings.TrimSpace(a[eq+1:]), 10, 16)
			if err != nil {
				return nil, fmt.Errorf("bad enum code in %q", a)
			}
			t.enumCode[label], t.enumName[code] = code, label
		}
		return t, nil
	}
	return nil, fmt.Errorf("type %s is not supported", name)
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
