package server

import (
	"fmt"
	"strconv"
	"strings"
)

// chType is a parsed ClickHouse type name, as far as this engine needs it:
// the wrappers and containers it walks through when decoding results and
// converting batch values, and the arguments of the scalar types whose
// values it checks (Enum labels, Decimal scale, FixedString size).
// Types it does not know are kept by name and passed through unchanged.
type chType struct {
	name  string    // the type as ClickHouse spells it
	base  string    // "Int32", "Nullable", "Array", "Enum8", ...
	args  []*chType // Nullable/LowCardinality/Array: 1, Map: 2, Tuple: n, SimpleAggregateFunction: 1
	names []string  // Tuple element names, "" for unnamed elements

	scale int // Decimal scale, DateTime64 precision
	prec  int // Decimal precision
	size  int // FixedString length

	enumCode map[string]int64 // Enum label → code
	enumName map[int64]string // Enum code → label
}

// parseType parses a ClickHouse type name such as "Map(LowCardinality(String), UInt64)".
func parseType(name string) (*chType, error) {
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

// inner is the type a wrapper (Nullable, LowCardinality, ...) wraps.
func (t *chType) inner() *chType { return t.args[0] }

type typeParser struct {
	s   string
	pos int
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
func (p *typeParser) typeArgs(n int) ([]*chType, error) {
	if err := p.expect('('); err != nil {
		return nil, err
	}
	out := make([]*chType, n)
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

func (p *typeParser) parse() (*chType, error) {
	p.skipSpace()
	start := p.pos
	base := p.ident()
	if base == "" {
		return nil, fmt.Errorf("expected a type name at %d", p.pos)
	}
	t := &chType{base: base}
	var err error
	switch base {
	case "Nullable", "LowCardinality", "Array":
		t.args, err = p.typeArgs(1)
	case "Map":
		t.args, err = p.typeArgs(2)
	case "Tuple":
		err = p.tuple(t)
	case "SimpleAggregateFunction":
		// SimpleAggregateFunction(func, T) stores plain values of T.
		err = p.simpleAggregate(t)
	case "Enum8", "Enum16":
		err = p.enum(t)
	case "Decimal", "Decimal32", "Decimal64", "Decimal128", "Decimal256":
		err = p.decimal(t)
	case "FixedString":
		var args []string
		if args, err = p.rawArgs(); err == nil {
			if t.size, err = strconv.Atoi(args[0]); err != nil || t.size <= 0 {
				err = fmt.Errorf("bad FixedString size %q", args[0])
			}
		}
	case "DateTime64":
		var args []string
		if args, err = p.rawArgs(); err == nil {
			if t.scale, err = strconv.Atoi(args[0]); err != nil || t.scale < 0 || t.scale > 9 {
				err = fmt.Errorf("bad DateTime64 precision %q", args[0])
			}
		}
	default:
		// DateTime('UTC'), AggregateFunction(...), Nested(...) and types this
		// engine does not inspect: keep the arguments as text.
		if p.peek() == '(' {
			_, err = p.rawArgs()
		}
	}
	if err != nil {
		return nil, err
	}
	t.name = strings.TrimSpace(p.s[start:p.pos])
	return t, nil
}

func (p *typeParser) tuple(t *chType) error {
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
		t.names = append(t.names, name)
		if p.peek() == ',' {
			p.pos++
			continue
		}
		return p.expect(')')
	}
}

func (p *typeParser) simpleAggregate(t *chType) error {
	if err := p.expect('('); err != nil {
		return err
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
		return err
	}
	inner, err := p.parse()
	if err != nil {
		return err
	}
	t.args = []*chType{inner}
	return p.expect(')')
}

func (p *typeParser) enum(t *chType) error {
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

func (p *typeParser) decimal(t *chType) error {
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
