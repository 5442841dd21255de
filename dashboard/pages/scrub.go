package pages

import (
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/respond"
)

// A parameter the page found wrong is named once, clipped, in its error
// notice. Every link of a page carries the page's parameters (navigation,
// language and theme switches, presets), so without this a wrong value
// came back in a dozen links and the filter bar: a 900 KB parameter made
// a 14 MB page.

// markInvalid records that the page found parameter name wrong.
func (p *pageCtx) markInvalid(name string) {
	if p.invalid == nil {
		p.invalid = map[string]bool{}
	}
	p.invalid[name] = true
	if name == api.ParamNetworks {
		p.invalid[pNetwork] = true // the checkboxes it is folded from
	}
}

// scrub takes the wrong parameters out of the page's links, and out of its
// filter bar unless they are short enough to correct in place. Parameters
// the page did not read are carried into no link either: they mean
// nothing here, and whatever was sent would come back in every link.
func (p *pageCtx) scrub() {
	for k := range p.values {
		if !slices.Contains(filterParams, k) && k != ParamRefresh && !p.asked[k] {
			p.markInvalid(k)
		}
	}
	if len(p.invalid) == 0 {
		return
	}
	for name := range p.invalid {
		p.values.Del(name)
	}
	v := p.view
	for _, links := range []*[]navLink{&v.Nav, &v.Langs, &v.Themes, &v.Presets} {
		for i := range *links {
			(*links)[i].URL = p.scrubURL((*links)[i].URL)
		}
	}
	v.Filter = slices.DeleteFunc(v.Filter, func(f field) bool { return f.Type == "hidden" && p.invalid[f.Name] })
	for i := range v.Filter {
		f := &v.Filter[i]
		if !p.invalid[f.Name] {
			continue
		}
		if utf8.RuneCountInString(f.Value) > respond.MaxEchoRunes {
			f.Value = ""
		}
		f.Options = slices.DeleteFunc(f.Options, func(o option) bool { return utf8.RuneCountInString(o.Value) > respond.MaxEchoRunes })
	}
}

// scrubURL is a link of this site without the wrong parameters.
func (p *pageCtx) scrubURL(link string) string {
	path, rawQuery, ok := strings.Cut(link, "?")
	if !ok {
		return link
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return path
	}
	for name := range p.invalid {
		q.Del(name)
	}
	return path + query(q)
}
