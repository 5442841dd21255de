package pages

import (
	"net/url"

	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/respond"
)

// ask answers an API endpoint with the page's parameters that the
// endpoint takes, plus extra name/value pairs (which win).
func (p *pageCtx) ask(path string, extra ...string) (api.Result, map[string]string, error) {
	ep := p.site.api.Endpoint(path)
	v := url.Values{}
	if p.asked == nil {
		p.asked = map[string]bool{}
	}
	for _, name := range ep.Allowed() {
		p.asked[name] = true
		if name == api.ParamFormat || name == api.ParamTable {
			continue
		}
		if s := p.values.Get(name); s != "" {
			v.Set(name, s)
		}
	}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == "" {
			v.Del(extra[i])
		} else {
			v.Set(extra[i], extra[i+1])
		}
	}
	return p.site.api.Ask(p.ctx, path, v)
}

// dataLinks are a chart's "data" links: the API question behind it, as
// normalised, in JSON and as each CSV table asked for.
func (p *pageCtx) dataLinks(path string, q map[string]string, tables ...string) []navLink {
	return p.partLinks("", path, q, tables...)
}

// tableName is an API table's name in the reader's language (the table
// parameter itself stays as the API spells it).
func (p *pageCtx) tableName(t string) string {
	if s := p.T("table." + t); s != "table."+t {
		return s
	}
	return t
}

// partLinks are the data links of a chart drawn only when its part of the
// page is (see view.Shows): a report exports the tables of the parts it
// shows, not of the whole page.
func (p *pageCtx) partLinks(part, path string, q map[string]string, tables ...string) []navLink {
	if p.exports != nil {
		if part != "" && !p.view.Shows(part) {
			return nil
		}
		var links []navLink
		for _, file := range p.exports.Export(path, q, tables) {
			links = append(links, navLink{Label: file})
		}
		return links
	}
	v := url.Values{}
	for k, s := range q {
		if s != "" {
			v.Set(k, s)
		}
	}
	links := []navLink{{Label: "JSON", URL: respond.APIPrefix + path + query(v)}}
	for _, t := range tables {
		c := url.Values{}
		for k, s := range v {
			c[k] = s
		}
		c.Set(api.ParamFormat, api.FormatCSV)
		c.Set(api.ParamTable, t)
		label := "CSV"
		if len(tables) > 1 {
			label = "CSV (" + p.tableName(t) + ")"
		}
		links = append(links, navLink{Label: label, URL: respond.APIPrefix + path + "?" + c.Encode()})
	}
	return links
}
