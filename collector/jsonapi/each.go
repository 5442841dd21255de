package jsonapi

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Each makes one request per item of a list, for APIs that answer one
// virtual host, tenant or region at a time:
//
//	each:
//	  var: host
//	  values: [xmpp.qq.example, xmpp.msn.example]   # given, or
//	  from:                                         # fetched at every run
//	    url: http://127.0.0.1:5280/api/registered_vhosts
//	    method: POST
//	    body: "{}"
//
// {host} in url, body and fixed values (network: "={host}") is then each
// item in turn. With both values and from, from lists the items that exist
// and values the ones to collect: a value missing from the list fails the
// run, named, after the others are collected — an API asked about an item
// it does not have may well answer zero, and a mistyped item would then
// be recorded as a network without users.
type Each struct {
	// Var is the variable's name: letters, digits and _.
	Var string `yaml:"var"`
	// Values are the items, in the order they are asked.
	Values []string `yaml:"values"`
	// From lists the items at every run, so that new ones are picked up
	// without a config change.
	From *List `yaml:"from"`
}

// List is the request that lists Each's items. It is sent with the
// source's headers and credentials.
type List struct {
	URL    string `yaml:"url"`
	Method string `yaml:"method"` // GET (default) or POST
	Body   string `yaml:"body"`
	// Records is the path to the items in the answer; empty means the
	// document, which is then usually an array of names.
	Records string `yaml:"records"`
	// Value is the path in each record to the item; empty means the
	// record itself (a string or a number).
	Value string `yaml:"value"`
}

// eachPlan is the parsed form of Each.
type eachPlan struct {
	name    string
	values  []string
	list    *request // nil without From
	records path
	value   *field
}

var varNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// vars is the variables the templates may name: Each's, or none.
func (e *eachPlan) vars() []string {
	if e == nil {
		return nil
	}
	return []string{e.name}
}

// parseEach checks and parses Each; nil without it.
func (c Config) parseEach() (*eachPlan, error) {
	e := c.Each
	if e == nil {
		return nil, nil
	}
	if !varNameRE.MatchString(e.Var) {
		return nil, invalid("each.var", fmt.Sprintf("%q is not a variable name (letters, digits and _, as in {host})", e.Var))
	}
	p := &eachPlan{name: e.Var, values: e.Values}
	if len(e.Values) == 0 && e.From == nil {
		return nil, invalid("each", "needs values, from, or both: the items to make a request for")
	}
	for i, v := range e.Values {
		if strings.TrimSpace(v) == "" {
			return nil, invalid(fmt.Sprintf("each.values[%d]", i), "empty")
		}
		if j := slices.Index(e.Values[:i], v); j >= 0 {
			return nil, invalid(fmt.Sprintf("each.values[%d]", i), fmt.Sprintf("%s is each.values[%d] already", quote(v), j))
		}
	}
	if e.From == nil {
		return p, nil
	}
	var err error
	if p.list, err = parseRequest("each.from.", e.From.URL, e.From.Method, e.From.Body, c.Headers, nil); err != nil {
		return nil, err
	}
	if p.records, err = parsePath(e.From.Records, '$'); err != nil {
		return nil, invalid("each.from.records", err.Error())
	}
	if p.records.root != '$' {
		return nil, invalid("each.from.records", fmt.Sprintf("%q: the records path starts at the document ($), not at a record (@)", e.From.Records))
	}
	value := e.From.Value
	if value == "" {
		value = "@"
	}
	if strings.HasPrefix(value, "=") {
		return nil, invalid("each.from.value", "a path into each record (or @key), not a fixed value")
	}
	if p.value, err = parseField("each.from.value", value, nil); err != nil {
		return nil, err
	}
	return p, nil
}

// ListItems fetches the items Each.From lists, in the order the API gives
// them. A record that is not an item (not text, or empty) fails the list:
// collecting from a list read wrong would miss items silently.
func (s *Source) ListItems(ctx context.Context) ([]string, error) {
	e := s.p.each
	if e == nil || e.list == nil {
		return nil, fmt.Errorf("json source %s: no each.from to list items with", s.name)
	}
	c := e.list.fill(nil, "")
	doc, _, err := s.fetch(ctx, c)
	if err != nil {
		return nil, err
	}
	recs, misses, err := e.records.records(doc)
	if err != nil {
		return nil, fmt.Errorf("the list of %s: %w", c.where, err)
	}
	if len(misses) > 0 {
		return nil, fmt.Errorf("the list of %s: records path %s: %s %s", c.where, e.records.text, misses[0].at, misses[0].why)
	}
	items := make([]string, 0, len(recs))
	for _, rec := range recs {
		v, err := e.value.text(doc, rec)
		if err != nil {
			return nil, fmt.Errorf("the list of %s: item at %s: %w", c.where, rec.at, err)
		}
		if !slices.Contains(items, v) {
			items = append(items, v)
		}
	}
	return items, nil
}

// items returns the items to collect this run: the values given, the
// items listed, or the values given that are listed — and then the values
// that are not, as missing.
func (s *Source) items(ctx context.Context) ([]string, *missingItems, error) {
	e := s.p.each
	if e.list == nil {
		return e.values, nil, nil
	}
	listed, err := s.ListItems(ctx)
	if err != nil {
		return nil, nil, err
	}
	if len(e.values) == 0 {
		return listed, nil, nil
	}
	var found, missing []string
	for _, v := range e.values {
		if slices.Contains(listed, v) {
			found = append(found, v)
		} else {
			missing = append(missing, v)
		}
	}
	if len(missing) == 0 {
		return found, nil, nil
	}
	return found, &missingItems{name: e.name, missing: missing, listed: listed, where: e.list.fill(nil, "").where}, nil
}

// missingItems is the values of each.values that each.from does not list:
// configured items the API does not have.
type missingItems struct {
	name            string
	missing, listed []string
	where           string // the list's URL, as messages show it
}

func (e *missingItems) Error() string {
	is := "is"
	if len(e.missing) > 1 {
		is = "are"
	}
	return fmt.Sprintf("each.values: %s %s %s not among the items %s lists (%s)", e.name, strings.Join(quoteAll(e.missing), ", "), is, e.where, listSome(e.listed))
}

// listSome lists up to 10 items for a message.
func listSome(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	more := ""
	if len(items) > 10 {
		more = fmt.Sprintf(" and %d more", len(items)-10)
		items = items[:10]
	}
	return strings.Join(quoteAll(items), ", ") + more
}

func quoteAll(items []string) []string {
	out := make([]string, len(items))
	for i, v := range items {
		out[i] = quote(v)
	}
	return out
}

// itemTag names an item in messages: " [host=a.example.test]", the value
// quoted when it is not plain.
func itemTag(name, value string) string {
	if plainRE.MatchString(value) {
		return " [" + name + "=" + value + "]"
	}
	return " [" + name + "=" + quote(value) + "]"
}

var plainRE = regexp.MustCompile(`^[A-Za-z0-9_.:@-]{1,64}$`)

// forItem returns m with its fixed values filled in for an item (m itself
// when none has a placeholder).
func (m *mappings) forItem(vars map[string]string) *mappings {
	c := *m
	changed := false
	for _, f := range []**field{&c.ts, &c.network, &c.segment, &c.metric, &c.value, &c.bridge, &c.from, &c.to, &c.messages, &c.failures, &c.bytes} {
		if *f == nil || (*f).tmpl == nil {
			continue
		}
		filled := **f
		filled.literal = filled.tmpl.fill(vars, verbatim)
		*f, changed = &filled, true
	}
	if !changed {
		return m
	}
	return &c
}
