package yamlconf

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Decode overlays the YAML document data, read from file, on the struct
// out points to, records each key's line, and adds every problem to p.
// Keys the document leaves out (or sets to null) keep their values.
func Decode(file string, data []byte, out any, p *Problems) {
	p.src.file = file
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		p.syntaxError(file, err)
		return
	}
	if len(root.Content) == 0 {
		return // empty or only comments: all defaults
	}
	(&decoder{p}).decode(root.Content[0], reflect.ValueOf(out).Elem(), "")
}

// syntaxError reports a document yaml.v3 cannot parse, at its line when
// the message names one: yaml.v3 says "yaml: line 3: mapping values are
// not allowed in this context".
func (p *Problems) syntaxError(file string, err error) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, text, ok := strings.Cut(rest, ": "); ok {
			if line, err := strconv.Atoi(num); err == nil {
				p.add(line, fmt.Sprintf("%s:%d: %s", file, line, text))
				return
			}
		}
	}
	p.add(0, file+": "+msg)
}

// decoder walks a yaml.Node tree alongside a Go value, by reflection on
// yaml tags, recording each key's line and collecting every problem.
type decoder struct {
	*Problems
}

var durationType = reflect.TypeFor[time.Duration]()

func (d *decoder) decode(n *yaml.Node, out reflect.Value, path string) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return // "key:" with no value means unset: keep the default
	}
	switch {
	case out.Kind() == reflect.Pointer: // optional sections, e.g. a collector's settings
		if out.IsNil() {
			out.Set(reflect.New(out.Type().Elem()))
		}
		d.decode(n, out.Elem(), path)
	case out.Type() == durationType:
		d.duration(n, out, path)
	case out.Kind() == reflect.Struct:
		d.structure(n, out, path)
	case out.Kind() == reflect.Map:
		d.mapping(n, out, path)
	case out.Kind() == reflect.Slice:
		d.list(n, out, path)
	case out.Kind() == reflect.String:
		if d.expect(n, yaml.ScalarNode, path) {
			out.SetString(n.Value)
		}
	default: // numbers and booleans
		if d.expect(n, yaml.ScalarNode, path) {
			if err := n.Decode(out.Addr().Interface()); err != nil {
				d.errorfAt(path, n.Line, "%q is not a valid %s", n.Value, out.Kind())
			}
		}
	}
}

func (d *decoder) duration(n *yaml.Node, out reflect.Value, path string) {
	if !d.expect(n, yaml.ScalarNode, path) {
		return
	}
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		d.errorfAt(path, n.Line, "%q is not a duration (like 30s, 2m or 1h30m)", n.Value)
		return
	}
	out.SetInt(int64(v))
}

// structure decodes a mapping into a struct's tagged fields; a key that
// names no field is a problem, with the nearest field's key suggested.
func (d *decoder) structure(n *yaml.Node, out reflect.Value, path string) {
	if !d.expect(n, yaml.MappingNode, path) {
		return
	}
	d.pairs(n, path, func(key string, k, v *yaml.Node) {
		f, ok := field(out, key)
		if !ok {
			d.errorfAt(path, k.Line, "unknown key %q%s", key, suggest(key, out.Type()))
			return
		}
		d.decode(v, f, join(path, key))
	})
}

func (d *decoder) mapping(n *yaml.Node, out reflect.Value, path string) {
	if !d.expect(n, yaml.MappingNode, path) {
		return
	}
	m := reflect.MakeMap(out.Type())
	d.pairs(n, path, func(key string, k, v *yaml.Node) {
		e := reflect.New(out.Type().Elem()).Elem()
		d.decode(v, e, join(path, key))
		m.SetMapIndex(reflect.ValueOf(key).Convert(out.Type().Key()), e)
	})
	out.Set(m)
}

func (d *decoder) list(n *yaml.Node, out reflect.Value, path string) {
	if !d.expect(n, yaml.SequenceNode, path) {
		return
	}
	s := reflect.MakeSlice(out.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		at := fmt.Sprintf("%s[%d]", path, i)
		d.src.setLine(at, item.Line)
		d.decode(item, s.Index(i), at)
	}
	out.Set(s)
}

// pairs calls f for each key of a mapping node, after recording the key's
// line and rejecting duplicate and non-scalar keys.
func (d *decoder) pairs(n *yaml.Node, path string, f func(key string, k, v *yaml.Node)) {
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorfAt(path, k.Line, "keys must be plain strings")
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.errorfAt(path, k.Line, "key %q is repeated (first at line %d)", k.Value, first)
			continue
		}
		seen[k.Value] = k.Line
		d.src.setLine(join(path, k.Value), k.Line)
		f(k.Value, k, v)
	}
}

// expect reports a node of the wrong shape (a list where a string belongs).
func (d *decoder) expect(n *yaml.Node, kind yaml.Kind, path string) bool {
	if n.Kind == kind {
		return true
	}
	names := map[yaml.Kind]string{yaml.ScalarNode: "a single value", yaml.MappingNode: "a mapping of keys", yaml.SequenceNode: "a list"}
	d.errorfAt(path, n.Line, "must be %s, not %s", names[kind], names[n.Kind])
	return false
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// field finds the exported field of struct v whose yaml tag is name.
func field(v reflect.Value, name string) (reflect.Value, bool) {
	if v.Kind() != reflect.Struct {
		return reflect.Value{}, false
	}
	for i := range v.NumField() {
		if f := v.Type().Field(i); f.IsExported() && tag(f) == name {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

func tag(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return name
}
