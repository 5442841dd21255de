package pages

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
)

// A report is the pages' own sections — the same questions asked of the
// API, the same charts and tables — drawn for the report's period and
// language (package report assembles them). The report package reaches
// the pages through DrawSection; the pages know of a report only that it
// records the CSV tables a section shows (Exports).

// Exports records, for a report, the CSV tables a section's charts show,
// and names the files that will hold them: a report's data "links" (it
// has no server to link to).
type Exports interface {
	Export(path string, query map[string]string, tables []string) (files []string)
}

// SectionSpec says which part of which page to draw, and for what.
type SectionSpec struct {
	Page  string // the page that draws it: share, migration, reach, bridges, alerts, collectors
	Part  string // the part of the page drawn (the report's section)
	Lang  string
	Title string // the report's title
	ReqID string // names the report in logs and notices
	// Params are the page's parameters: they put it on the report's period.
	Params  map[string]string
	Exports Exports
}

// Section is one part of a page drawn for a report.
type Section struct {
	HTML    template.HTML
	Notices []Notice
	// Status is the page's: 500 and above means the section could not be
	// drawn (Notices say why), and HTML is then empty.
	Status int
	// Content is the page's view (ShareView, MigrationView, ReachView,
	// BridgesView, AlertsView, CollectorsView), from which a report takes
	// the figures its summary states.
	Content any
}

// DrawSection draws spec's part of a page, with no request behind it:
// forms and links to the server are left out.
func (s *Site) DrawSection(ctx context.Context, spec SectionSpec) (Section, error) {
	var pd *pageDef
	for _, def := range s.pages {
		if def.name == spec.Page {
			pd = def
		}
	}
	if pd == nil {
		return Section{}, fmt.Errorf("no page %q draws report sections", spec.Page)
	}
	p := &pageCtx{site: s, ctx: ctx, reqID: spec.ReqID, def: pd, status: http.StatusOK, exports: spec.Exports, values: url.Values{}}
	p.view = &view{
		Lang: spec.Lang, Theme: "light", Page: pd.name, Title: spec.Title, Report: true, Only: map[string]bool{spec.Part: true},
		Version: s.cfg.Version, Engine: s.cfg.Engine.Kind(), Generated: s.cfg.Now().UTC(), networks: s.networks,
	}
	for k, v := range spec.Params {
		p.values.Set(k, v)
	}
	if err := pd.build(p); err != nil {
		p.fail(err)
	}
	sec := Section{Notices: p.view.Notices, Status: p.status, Content: p.view.Content}
	if p.status >= http.StatusInternalServerError {
		return sec, nil
	}
	var buf bytes.Buffer
	if err := pd.tmpl.ExecuteTemplate(&buf, "content", p.view); err != nil {
		return sec, err
	}
	sec.HTML = template.HTML(buf.String()) //nolint:gosec // our own template's output
	return sec, nil
}

// NetworkName names networks in lang, from the catalog, as the pages do.
func (s *Site) NetworkName(lang string) func(string) string {
	return (&view{Lang: lang, networks: s.networks}).Net
}
