package yamlconf

import (
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// Set sets one scalar key of the struct out points to — a dotted path such
// as "engine.query_timeout" — from a string, as environment variables and
// flags do, and records source ("IMSCOPE_LISTEN", "--listen") as what later
// problems about the key name instead of a line of the file.
func Set(out any, key, value, source string, p *Problems) {
	v := reflect.ValueOf(out).Elem()
	for _, name := range strings.Split(key, ".") {
		f, ok := field(v, name)
		if !ok {
			p.add(0, fmt.Sprintf("%s: %q is not a key that can be set", source, key))
			return
		}
		v = f
	}
	if k := v.Kind(); k == reflect.Struct || k == reflect.Slice || k == reflect.Map {
		p.add(0, fmt.Sprintf("%s: %q is a section, not a single value", source, key))
		return
	}
	p.src.setBy(key, source)
	n := &yaml.Node{Kind: yaml.ScalarNode, Value: value}
	if v.Kind() == reflect.String {
		n.Tag = "!!str" // keep "null", "~" or "" literal: the caller meant a string
	}
	(&decoder{p}).decode(n, v, key)
}
