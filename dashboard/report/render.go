package report

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/pages"
	"github.com/imscope/imscope/dashboard/static"
)

// A scheduled report is the pages' own sections — the same questions asked
// of the API (so the same numbers), the same charts and tables — rendered
// for the report's period and language into one self-contained HTML file:
// stylesheet, ECharts and the page script inlined, charts drawn as SVG
// when it is opened, so it works offline and in a mail attachment. The
// same file printed by headless Chromium is the PDF, and the CSV behind
// every chart and table goes into a ZIP with a manifest.

//go:embed templates/report.html
var templateFS embed.FS

// PageRenderer renders scheduled reports from the dashboard's pages (it is
// the Renderer the binary wires in).
type PageRenderer struct {
	api      *api.API
	site     *pages.Site
	static   *static.Files
	now      func() time.Time
	tmpl     *template.Template
	chromium string // "" when there is none: no PDF
}

// NewPageRenderer builds a renderer over an API with opts — the same
// engine, catalog, collectors and alert rules as the dashboard whose pages
// it draws; chromium is the path of a Chromium for the PDF ("" for HTML and
// CSV only).
func NewPageRenderer(opts api.Options, chromium string) (*PageRenderer, error) {
	// Nothing tells this API when data lands (the dashboard's does:
	// Dashboard.Invalidate), so it keeps no answers: a report run right
	// after an import must draw the imported rows.
	opts.CacheTTL = -1
	a, err := api.New(opts)
	if err != nil {
		return nil, err
	}
	st, err := static.Load()
	if err != nil {
		return nil, err
	}
	site, err := pages.New(a, nil, st, pages.Options{})
	if err != nil {
		return nil, err
	}
	tmpl, err := template.ParseFS(templateFS, "templates/report.html")
	if err != nil {
		return nil, fmt.Errorf("cannot parse the report template: %w", err)
	}
	return &PageRenderer{api: a, site: site, static: st, now: a.Options().Now, tmpl: tmpl, chromium: chromium}, nil
}

// reportSection is one rendered section.
type reportSection struct {
	Key, Title string
	HTML       template.HTML
	Notices    []pages.Notice
}

// Render makes the HTML, PDF, ZIP, summary and facts of one run.
func (r *PageRenderer) Render(ctx context.Context, def Definition, p Periods) (*Output, error) {
	lang := def.Language
	if _, ok := pages.ParseLang(lang); !ok {
		lang = pages.LangEN
	}
	ex := &exports{}
	facts := &reportFacts{}
	var sections []reportSection
	for _, s := range def.Sections {
		ex.section = string(s)
		sec, err := r.site.DrawSection(ctx, pages.SectionSpec{Page: sectionPages[s], Part: string(s), Lang: lang, Title: def.Title,
			ReqID: "report-" + def.Name, Params: r.sectionParams(ctx, s, def, p), Exports: ex})
		if err != nil {
			return nil, fmt.Errorf("report %s: cannot render section %s: %w", def.Name, s, err)
		}
		if sec.Status >= http.StatusInternalServerError {
			return nil, fmt.Errorf("report %s: section %s: %s", def.Name, s, noticeText(sec.Notices))
		}
		facts.collect(s, sec.Content)
		sections = append(sections, reportSection{Key: string(s), Title: pages.Translate(lang, "report.section."+string(s)), HTML: sec.HTML, Notices: sec.Notices})
	}
	facts.Period, facts.Previous = p.Current.Label, p.Previous.Label
	summary := facts.summary(lang, r.site.NetworkName(lang))
	html, err := r.page(def, p, lang, sections, facts, summary)
	if err != nil {
		return nil, err
	}
	zip, err := r.zip(ctx, def, p, ex.list)
	if err != nil {
		return nil, err
	}
	out := &Output{HTML: html, ZIP: zip, Summary: strings.Join(summary, " "), Data: facts}
	out.PDF, out.PDFNote = r.pdf(ctx, html)
	if err := ctx.Err(); err != nil {
		// Printing was cut short by a shutdown or the run's timeout: the
		// report is not delivered without its PDF (an interrupted run is
		// rendered again when it resumes).
		return nil, fmt.Errorf("report %s: printing the PDF: %w", def.Name, err)
	}
	return out, nil
}

func noticeText(ns []pages.Notice) string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Text)
	}
	return strings.Join(out, "; ")
}

// reportPage is what templates/report.html sees.
type reportPage struct {
	Lang, Title, Period, Previous, Generated string
	Summary                                  []string
	Sections                                 []reportSection
	Freshness                                []string
	Facts                                    template.JS
	CSS                                      template.CSS
	ECharts, JS                              template.JS
	Definitions                              []string
}

// T translates a catalog key into the report's language.
func (rp reportPage) T(key string, args ...any) string { return pages.Translate(rp.Lang, key, args...) }

// page assembles the self-contained HTML.
func (r *PageRenderer) page(def Definition, p Periods, lang string, sections []reportSection, facts *reportFacts, summary []string) ([]byte, error) {
	st := r.static
	for _, name := range []string{static.ECharts, "imscope.js"} {
		if bytes.Contains(bytes.ToLower(st.Body(name)), []byte("</script")) {
			return nil, fmt.Errorf("cannot inline %s: it contains </script", name)
		}
	}
	factsJSON, err := json.Marshal(facts)
	if err != nil {
		return nil, fmt.Errorf("cannot encode the report's figures: %w", err)
	}
	title := def.Title
	if title == "" {
		title = pages.Translate(lang, "report.title", def.Name)
	}
	zone := def.Location
	if zone == nil {
		zone = time.UTC
	}
	span := func(pr Period) string {
		return fmt.Sprintf("%s (%s – %s)", pr.Label, pr.From.In(zone).Format("2006-01-02 15:04"), pr.To.In(zone).Format("2006-01-02 15:04 MST"))
	}
	rp := reportPage{
		Lang: lang, Title: title, Period: span(p.Current), Previous: span(p.Previous),
		Generated: r.now().In(zone).Format("2006-01-02 15:04 MST"), Summary: summary, Sections: sections,
		Freshness: facts.freshness(lang, zone), Facts: template.JS(factsJSON), //nolint:gosec // encoding/json escapes <, > and &
		CSS: template.CSS(st.Body("imscope.css")), ECharts: template.JS(st.Body(static.ECharts)), JS: template.JS(st.Body("imscope.js")), //nolint:gosec // our own assets
	}
	for _, s := range def.Sections {
		rp.Definitions = append(rp.Definitions, "def."+string(s))
	}
	var buf bytes.Buffer
	if err := r.tmpl.ExecuteTemplate(&buf, "report", rp); err != nil {
		return nil, fmt.Errorf("cannot render report %s: %w", def.Name, err)
	}
	return buf.Bytes(), nil
}
