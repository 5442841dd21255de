package jsonapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// A template is a URL, a request body or a fixed value (=…) with {name}
// placeholders, filled in with the item a request is made for (see Each).
// Only {name} where name is a declared variable is a placeholder, so the
// braces of a JSON body need no escaping: in {"host":"{host}"} only the
// inner pair is one.
type template struct {
	text  string
	parts []tpart
}

// tpart is literal text, or a variable with the byte offset where it
// stands in the text (a URL escapes a value by where it goes).
type tpart struct {
	text  string // the literal, or the variable's name
	isVar bool
	at    int
}

var placeholderRE = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// parseTemplate splits s at its placeholders. {name} that looks like a
// placeholder but names no variable is an error: it is nearly always a
// typo, and sent as written it would ask the API for "{hots}".
func parseTemplate(s string, vars []string) (template, error) {
	t := template{text: s}
	last := 0
	for _, m := range placeholderRE.FindAllStringSubmatchIndex(s, -1) {
		name := s[m[2]:m[3]]
		if !slices.Contains(vars, name) {
			if len(vars) == 0 {
				return template{}, fmt.Errorf("%q: {%s} names no variable (declare one under each)", s, name)
			}
			return template{}, fmt.Errorf("%q: {%s} names no variable (each.var is %s)", s, name, strings.Join(vars, ", "))
		}
		if m[0] > last {
			t.parts = append(t.parts, tpart{text: s[last:m[0]]})
		}
		t.parts = append(t.parts, tpart{text: name, isVar: true, at: m[0]})
		last = m[1]
	}
	if last < len(s) {
		t.parts = append(t.parts, tpart{text: s[last:]})
	}
	return t, nil
}

// uses reports whether the template has a placeholder for name.
func (t template) uses(name string) bool {
	for _, p := range t.parts {
		if p.isVar && p.text == name {
			return true
		}
	}
	return false
}

// escaper encodes a variable's value for where it stands in a template.
type escaper func(at int, value string) string

// fill returns the template with each placeholder replaced by its value,
// encoded by esc.
func (t template) fill(vars map[string]string, esc escaper) string {
	if len(t.parts) == 1 && !t.parts[0].isVar {
		return t.text
	}
	var b strings.Builder
	for _, p := range t.parts {
		if !p.isVar {
			b.WriteString(p.text)
			continue
		}
		b.WriteString(esc(p.at, vars[p.text]))
	}
	return b.String()
}

// verbatim puts values in as they are: fixed row values are data, not a
// syntax.
func verbatim(_ int, v string) string { return v }

// urlEscaper percent-encodes a value for the part of the URL template it
// stands in: a path segment before the ?, a query value after it. So a
// host named "a b/c" cannot add a path segment or a query parameter.
func urlEscaper(text string) escaper {
	query := strings.IndexByte(text, '?')
	return func(at int, v string) string {
		if query >= 0 && at > query {
			return url.QueryEscape(v)
		}
		return url.PathEscape(v)
	}
}

// bodyEscaper encodes a value for a request body of the given content
// type: inside a JSON string for JSON (the placeholder belongs between
// quotes: "{host}"), form-encoded for a form, as it is otherwise. A value
// with a quote in it then stays one string of the body.
func bodyEscaper(contentType string) escaper {
	switch mediaType(contentType) {
	case "application/x-www-form-urlencoded":
		return func(_ int, v string) string { return url.QueryEscape(v) }
	}
	if isJSON(contentType) {
		return func(_ int, v string) string { return jsonString(v) }
	}
	return verbatim
}

// jsonString is v encoded as the inside of a JSON string, without the
// quotes. HTML characters are left alone: the body is not a page.
func jsonString(v string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // a string always encodes
	s := strings.TrimSuffix(b.String(), "\n")
	return s[1 : len(s)-1]
}

func mediaType(contentType string) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(contentType))
	}
	return mt
}

// isJSON is true for application/json and the +json types.
func isJSON(contentType string) bool {
	mt := mediaType(contentType)
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}
