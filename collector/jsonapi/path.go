package jsonapi

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// A path picks values out of a decoded JSON document. The syntax is the
// simple part of JSONPath:
//
//	$              the document root
//	@              the current record (in field mappings; a path that starts
//	               with neither $ nor @ is relative to the record)
//	.name  name    an object member (any characters but . [ ] and space)
//	["a.b c"]      an object member with any name, as a JSON string
//	[3]  [-1]      an array element, counted from 0, or from the end
//	[*]  .*        every element of an array, or every member of an object
//	               (in the order of their names)
//
// So `data.networks[*]`, `$.data.networks[*]` and `$["data"].networks` are
// the same records. A records path that ends at an array means its
// elements; field paths cannot hold [*], since a field is one value.
type path struct {
	text  string // as written, for messages
	root  byte   // '$' or '@'
	steps []step
}

type stepKind uint8

const (
	stepName stepKind = iota
	stepIndex
	stepWild
)

type step struct {
	kind  stepKind
	name  string
	index int
}

// parsePath parses s; a path without $ or @ starts at rel.
func parsePath(s string, rel byte) (path, error) {
	p := path{text: s, root: rel}
	i := 0
	if i < len(s) && (s[i] == '$' || s[i] == '@') {
		p.root = s[i]
		i++
	} else if s != "" && s[0] != '[' {
		s = "." + s // a bare first name
		i = 0
	}
	for i < len(s) {
		switch s[i] {
		case '.':
			i++
			if i < len(s) && s[i] == '*' {
				p.steps = append(p.steps, step{kind: stepWild})
				i++
				continue
			}
			j := i
			for j < len(s) && !strings.ContainsRune(".[]* \t\r\n", rune(s[j])) {
				j++
			}
			if j == i {
				return path{}, fmt.Errorf("%q: a name must follow the dot at character %d", p.text, offset(p.text, s, i))
			}
			p.steps = append(p.steps, step{kind: stepName, name: s[i:j]})
			i = j
		case '[':
			end := closing(s, i)
			if end < 0 {
				return path{}, fmt.Errorf("%q: the [ at character %d is not closed", p.text, offset(p.text, s, i))
			}
			inner := s[i+1 : end]
			switch {
			case inner == "*":
				p.steps = append(p.steps, step{kind: stepWild})
			case strings.HasPrefix(inner, `"`):
				var name string
				if err := json.Unmarshal([]byte(inner), &name); err != nil {
					return path{}, fmt.Errorf("%q: %s is not a JSON string", p.text, inner)
				}
				p.steps = append(p.steps, step{kind: stepName, name: name})
			default:
				n, err := strconv.Atoi(inner)
				if err != nil || strings.HasPrefix(inner, "+") {
					return path{}, fmt.Errorf(`%q: [%s] is not an index ([0], [-1]), [*] or a quoted name (["name"])`, p.text, inner)
				}
				p.steps = append(p.steps, step{kind: stepIndex, index: n})
			}
			i = end + 1
		default:
			return path{}, fmt.Errorf("%q: unexpected %q at character %d; members are written .name or [\"name\"]", p.text, s[i], offset(p.text, s, i))
		}
	}
	return p, nil
}

// offset maps an index in the (possibly dot-prefixed) parse string back to
// a 1-based character position in what the user wrote.
func offset(orig, parsed string, i int) int {
	return i - (len(parsed) - len(orig)) + 1
}

// closing finds the ] closing the [ at i, skipping a quoted name.
func closing(s string, i int) int {
	j := i + 1
	if j < len(s) && s[j] == '"' {
		for j++; j < len(s); j++ {
			if s[j] == '\\' {
				j++
			} else if s[j] == '"' {
				j++
				break
			}
		}
	}
	if k := strings.IndexByte(s[min(j, len(s)):], ']'); k >= 0 {
		return j + k
	}
	return -1
}

func (p path) wild() bool {
	return slices.ContainsFunc(p.steps, func(s step) bool { return s.kind == stepWild })
}

func (p path) String() string { return p.text }

// get follows a wildcard-free path from its root (doc or rec). When the
// value is not there it says why, naming the part of the path that failed.
func (p path) get(doc, rec any) (any, error) {
	v := doc
	if p.root == '@' {
		v = rec
	}
	at := string(p.root)
	for _, s := range p.steps {
		next, ok, why := s.apply(v)
		if !ok {
			return nil, fmt.Errorf("missing: %s %s", at, why)
		}
		v = next
		at = s.append(at)
	}
	return v, nil
}

// apply takes one non-wildcard step from v.
func (s step) apply(v any) (any, bool, string) {
	switch s.kind {
	case stepName:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, false, "is " + describe(v) + ", not an object"
		}
		next, ok := obj[s.name]
		if !ok {
			return nil, false, fmt.Sprintf("has no member %s%s", quote(s.name), members(obj))
		}
		return next, true, ""
	case stepIndex:
		arr, ok := v.([]any)
		if !ok {
			return nil, false, "is " + describe(v) + ", not an array"
		}
		i := s.index
		if i < 0 {
			i += len(arr)
		}
		if i < 0 || i >= len(arr) {
			return nil, false, fmt.Sprintf("has %d elements, no [%d]", len(arr), s.index)
		}
		return arr[i], true, ""
	}
	return nil, false, "is not a single value: [*] picks many"
}

// append writes the step after the path at, as a concrete path.
func (s step) append(at string) string {
	switch s.kind {
	case stepName:
		if s.name != "" && !strings.ContainsAny(s.name, ".[]*\"\\ \t\r\n") && isPrintable(s.name) {
			return at + "." + s.name
		}
		b, _ := json.Marshal(s.name)
		return at + "[" + string(b) + "]"
	case stepIndex:
		return at + "[" + strconv.Itoa(s.index) + "]"
	}
	return at + "[*]"
}

func isPrintable(s string) bool {
	for _, r := range s {
		if r < ' ' || r == 0x7f {
			return false
		}
	}
	return true
}

// record is one value the records path selected.
type record struct {
	value any
	at    string // concrete path from the root, e.g. $.data.networks[2]
	key   string // member name or index of the last [*], for @key
}

// miss is a branch under a [*] that lacked the rest of the records path.
type miss struct {
	at, why string
}

// records follows the records path from the root and returns every value it
// reaches; an array reached at the end stands for its elements. Without a
// [*], a path that does not resolve is an error: the response is not shaped
// as configured. Under a [*], branches that do not resolve are returned as
// misses, so that the rest still maps.
func (p path) records(doc any) ([]record, []miss, error) {
	var out []record
	var misses []miss
	var walk func(v any, i int, at, key string) error
	walk = func(v any, i int, at, key string) error {
		if i == len(p.steps) {
			if arr, ok := v.([]any); ok && (len(p.steps) == 0 || p.steps[len(p.steps)-1].kind != stepWild) {
				for j, e := range arr {
					out = append(out, record{value: e, at: at + "[" + strconv.Itoa(j) + "]", key: strconv.Itoa(j)})
				}
				return nil
			}
			out = append(out, record{value: v, at: at, key: key})
			return nil
		}
		s := p.steps[i]
		if s.kind == stepWild {
			switch c := v.(type) {
			case []any:
				for j, e := range c {
					if err := walk(e, i+1, at+"["+strconv.Itoa(j)+"]", strconv.Itoa(j)); err != nil {
						return err
					}
				}
			case map[string]any:
				names := make([]string, 0, len(c))
				for n := range c {
					names = append(names, n)
				}
				slices.Sort(names)
				for _, n := range names {
					if err := walk(c[n], i+1, step{kind: stepName, name: n}.append(at), n); err != nil {
						return err
					}
				}
			default:
				return p.fail(&misses, at, "is "+describe(v)+", not an array or object to take [*] of", i)
			}
			return nil
		}
		next, ok, why := s.apply(v)
		if !ok {
			return p.fail(&misses, at, why, i)
		}
		return walk(next, i+1, s.append(at), key)
	}
	err := walk(doc, 0, "$", "")
	return out, misses, err
}

// fail is an error before the first [*] of the path and a miss after it.
func (p path) fail(misses *[]miss, at, why string, i int) error {
	if slices.ContainsFunc(p.steps[:i], func(s step) bool { return s.kind == stepWild }) {
		*misses = append(*misses, miss{at: at, why: why})
		return nil
	}
	return fmt.Errorf("records path %s: %s %s", p.text, at, why)
}

// describe names a JSON value's type for messages.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(v)
	case json.Number:
		return "the number " + v.String()
	case string:
		return "the string " + quote(v)
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// members lists a few member names of obj, to show what is there instead.
func members(obj map[string]any) string {
	if len(obj) == 0 {
		return " (it is empty)"
	}
	names := make([]string, 0, len(obj))
	for n := range obj {
		names = append(names, n)
	}
	slices.Sort(names)
	more := ""
	if len(names) > 8 {
		names, more = names[:8], ", …"
	}
	for i, n := range names {
		names[i] = quote(n)
	}
	return " (it has " + strings.Join(names, ", ") + more + ")"
}

// quote is strconv.Quote of at most the first 64 bytes of s.
func quote(s string) string { return quoteN(s, 64) }

// quoteN is strconv.Quote of at most the first max bytes of s, cut at a
// character boundary.
func quoteN(s string, max int) string {
	if len(s) <= max {
		return strconv.Quote(s)
	}
	cut := max
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return strconv.Quote(s[:cut]) + "…"
}
