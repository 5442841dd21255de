package dashboard

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard/report"
)

// A scheduled report is the pages' own sections — the same questions asked
// of the API (so the same numbers), the same charts and tables — rendered
// for the report's period and language into one self-contained HTML file:
// stylesheet, ECharts and the page script inlined, charts drawn as SVG
// when it is opened, so it works offline and in a mail attachment. The
// same file printed by headless Chromium is the PDF, and the CSV behind
// every chart and table goes into a ZIP with a manifest.

// ReportRenderer renders scheduled reports (it implements report.Renderer).
type ReportRenderer struct {
	d        *Dashboard
	tmpl     *template.Template
	chromium string // "" when there is none: no PDF
}

// NewReportRenderer builds a renderer over the same engine and catalog as
// the dashboard; chromium is the path of a Chromium for the PDF ("" for
// HTML and CSV only).
func NewReportRenderer(opts Options, chromium string) (*ReportRenderer, error) {
	opts.Auth = Auth{}
	d, err := New(opts)
	if err != nil {
		return nil, err
	}
	base := template.Must(template.New("").Funcs(templateFuncs).ParseFS(templateFS, "templates/parts.html"))
	tmpl, err := template.Must(base.Clone()).ParseFS(templateFS, "templates/report.html")
	if err != nil {
		return nil, fmt.Errorf("cannot parse the report template: %w", err)
	}
	return &ReportRenderer{d: d, tmpl: tmpl, chromium: chromium}, nil
}

// reportRun is one report being rendered: what its sections export.
type reportRun struct {
	exports []export
	section string
}

// export is one CSV table of the report's ZIP: the API question behind a
// chart or table, as normalised.
type export struct {
	File     string
	Section  string
	Endpoint string
	Query    map[string]string
	Table    string
}

// reportSection is one rendered section.
type reportSection struct {
	Key, Title string
	HTML       template.HTML
	Notices    []notice
}

// sectionPages maps each report section to the page that draws it.
var sectionPages = map[report.Section]string{
	report.SectionShare: "share", report.SectionConcentration: "share", report.SectionMigration: "migration",
	report.SectionMultihoming: "reach", report.SectionBridges: "bridges", report.SectionAlerts: "alerts", report.SectionCollectors: "collectors",
}

// Render makes the HTML, PDF, ZIP, summary and facts of one run.
func (r *ReportRenderer) Render(ctx context.Context, def report.Definition, p report.Periods) (*report.Output, error) {
	lang := def.Language
	if _, ok := parseLang(lang); !ok {
		lang = langEN
	}
	run := &reportRun{}
	facts := &reportFacts{}
	var sections []reportSection
	defs := map[string]*pageDef{}
	for _, pd := range r.d.pages {
		defs[pd.name] = pd
	}
	for _, s := range def.Sections {
		pd := defs[sectionPages[s]]
		run.section = string(s)
		sp := r.sectionPage(ctx, pd, lang, run, def, p, s)
		if err := pd.build(sp); err != nil {
			sp.fail(err)
		}
		if sp.status >= http.StatusInternalServerError {
			return nil, fmt.Errorf("report %s: section %s: %s", def.Name, s, noticeText(sp.view.Notices))
		}
		var buf bytes.Buffer
		if err := pd.tmpl.ExecuteTemplate(&buf, "content", sp.view); err != nil {
			return nil, fmt.Errorf("report %s: cannot render section %s: %w", def.Name, s, err)
		}
		facts.collect(s, sp.view.Content)
		sections = append(sections, reportSection{Key: string(s), Title: translate(lang, "report.section."+string(s)), HTML: template.HTML(buf.String()), Notices: sp.view.Notices}) //nolint:gosec // our own template's output
	}
	facts.Period, facts.Previous = p.Current.Label, p.Previous.Label
	summary := facts.summary(lang, r.d.networkName(lang))
	html, err := r.page(def, p, lang, sections, facts, summary)
	if err != nil {
		return nil, err
	}
	zip, err := r.zip(ctx, def, p, run.exports)
	if err != nil {
		return nil, err
	}
	out := &report.Output{HTML: html, ZIP: zip, Summary: strings.Join(summary, " "), Data: facts}
	out.PDF, out.PDFNote = r.pdf(ctx, html)
	return out, nil
}

func noticeText(ns []notice) string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Text)
	}
	return strings.Join(out, "; ")
}

// sectionPage is a page context for one section: the report's language,
// no request, and the parameters that put the page on the report's
// period.
func (r *ReportRenderer) sectionPage(ctx context.Context, pd *pageDef, lang string, run *reportRun, def report.Definition, p report.Periods, s report.Section) *pageCtx {
	d := r.d
	pc := &pageCtx{d: d, ctx: ctx, reqID: "report-" + def.Name, def: pd, status: http.StatusOK, report: run, values: url.Values{}}
	pc.view = &view{
		Lang: lang, Theme: "light", Page: pd.name, Title: def.Title, Report: true, Only: map[string]bool{string(s): true},
		Version: d.opts.Version, Engine: d.opts.Engine.Kind(), Generated: d.opts.Now().UTC(), networks: map[string]imscope.Network{},
	}
	for _, n := range d.opts.Networks {
		pc.view.networks[n.ID] = n
	}
	for k, v := range sectionParams(pc, s, def, p) {
		pc.values.Set(k, v)
	}
	return pc
}

// sectionParams puts a section on the report's period. Usage rollups are
// days in UTC, so a period's calendar dates in the report's zone name the
// UTC days it covers (Shanghai's March is the UTC days 1–31 March); the
// share trend shows the eleven periods before it too. Traffic and alerts
// are instants, so they take the period's exact start and end. The panel
// sections take the latest panel period (and the one before) that starts
// before the period ends.
func sectionParams(pc *pageCtx, s report.Section, def report.Definition, p report.Periods) map[string]string {
	date := func(t time.Time) string { return t.Format(time.DateOnly) }
	switch s {
	case report.SectionShare, report.SectionConcentration:
		from := periodsBack(def.Granularity, p.Current.From, 11)
		return map[string]string{pFrom: date(from), pTo: date(p.Current.To), pGranularity: string(def.Granularity)}
	case report.SectionBridges, report.SectionAlerts:
		return map[string]string{pFrom: p.Current.From.UTC().Format(time.RFC3339), pTo: p.Current.To.UTC().Format(time.RFC3339), pRefresh: "off"}
	case report.SectionMigration, report.SectionMultihoming:
		var starts []string
		end := date(p.Current.To)
		for _, pp := range pc.panelPeriodOptions() {
			if d := day(pp.Period).String(); d < end {
				starts = append(starts, d)
			}
		}
		if len(starts) == 0 {
			return nil
		}
		if s == report.SectionMultihoming {
			return map[string]string{pPeriod: starts[len(starts)-1]}
		}
		if len(starts) < 2 {
			return nil
		}
		return map[string]string{pFromPeriod: starts[len(starts)-2], pToPeriod: starts[len(starts)-1]}
	}
	return nil
}

// exportLinks records a chart's tables for the ZIP and returns links that
// name the files (a report has no server to link to).
func (run *reportRun) exportLinks(path string, q map[string]string, tables []string) []navLink {
	var out []navLink
	for _, t := range tables {
		name := strings.ReplaceAll(strings.Trim(path, "/"), "/", "-")
		e := export{Endpoint: apiPrefix + path, Query: q, Table: t, Section: run.section, File: run.section + "-" + name + "-" + t + ".csv"}
		i := slices.IndexFunc(run.exports, func(x export) bool { return x.File == e.File })
		if i < 0 {
			run.exports = append(run.exports, e)
		} else if !sameQuery(run.exports[i].Query, q) {
			e.File = fmt.Sprintf("%s-%s-%s-%d.csv", run.section, name, t, len(run.exports))
			run.exports = append(run.exports, e)
		}
		out = append(out, navLink{Label: e.File})
	}
	return out
}

func sameQuery(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
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
func (rp reportPage) T(key string, args ...any) string { return translate(rp.Lang, key, args...) }

// page assembles the self-contained HTML.
func (r *ReportRenderer) page(def report.Definition, p report.Periods, lang string, sections []reportSection, facts *reportFacts, summary []string) ([]byte, error) {
	st := r.d.static
	for _, name := range []string{echartsFile, "imscope.js"} {
		if bytes.Contains(bytes.ToLower(st.body(name)), []byte("</script")) {
			return nil, fmt.Errorf("cannot inline %s: it contains </script", name)
		}
	}
	factsJSON, err := json.Marshal(facts)
	if err != nil {
		return nil, fmt.Errorf("cannot encode the report's figures: %w", err)
	}
	title := def.Title
	if title == "" {
		title = translate(lang, "report.title", def.Name)
	}
	zone := def.Location
	if zone == nil {
		zone = time.UTC
	}
	span := func(pr report.Period) string {
		return fmt.Sprintf("%s (%s – %s)", pr.Label, pr.From.In(zone).Format("2006-01-02 15:04"), pr.To.In(zone).Format("2006-01-02 15:04 MST"))
	}
	rp := reportPage{
		Lang: lang, Title: title, Period: span(p.Current), Previous: span(p.Previous),
		Generated: r.d.opts.Now().In(zone).Format("2006-01-02 15:04 MST"), Summary: summary, Sections: sections,
		Freshness: facts.freshness(lang, zone), Facts: template.JS(factsJSON), //nolint:gosec // encoding/json escapes <, > and &
		CSS: template.CSS(st.body("imscope.css")), ECharts: template.JS(st.body(echartsFile)), JS: template.JS(st.body("imscope.js")), //nolint:gosec // our own assets
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

// networkName names networks in lang, from the catalog.
func (d *Dashboard) networkName(lang string) func(string) string {
	v := &view{Lang: lang, networks: map[string]imscope.Network{}}
	for _, n := range d.opts.Networks {
		v.networks[n.ID] = n
	}
	return v.Net
}
