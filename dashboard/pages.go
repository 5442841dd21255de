package dashboard

import (
	"bytes"
	"compress/gzip"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard/charts"
)

// The pages are server-rendered: a handler asks the same questions the API
// answers (through api.ask, so the numbers and the cache are the API's),
// builds its charts with dashboard/charts and executes its template inside
// the shared layout. Filters live in the URL, so a link reproduces a view.

//go:embed templates
var templateFS embed.FS

// pageDef declares a page.
type pageDef struct {
	name  string // nav key, template file (templates/pages/NAME.html), i18n prefix
	path  string
	nav   bool // listed in the header
	build func(p *pageCtx) error
	tmpl  *template.Template
}

// View parameters every page takes besides its filters.
const (
	pLang    = "lang"
	pTheme   = "theme"
	pEmbed   = "embed"
	pRefresh = "refresh"
	pNetwork = "network" // one checkbox of the networks filter; folded into networks
)

// filterParams are carried from page to page by the navigation, so a
// chosen window and selection stay while the reader moves around.
var filterParams = []string{pFrom, pTo, pGranularity, pMetric, pSegment, pNetworks, pLang, pTheme, pEmbed}

var themes = []string{"auto", "light", "dark"}

// pageCtx is one page request on its way to a rendered page.
type pageCtx struct {
	d      *Dashboard
	c      *gin.Context // nil when rendering a report
	ctx    context.Context
	reqID  string     // for logs and error notices
	report *reportRun // set when the page is a section of a report
	def    *pageDef
	values url.Values
	view   *view
	status int
	// invalid are the parameters found wrong: named once in a notice, not
	// carried into the page's links (scrub). asked are the parameters of
	// the API questions the page asked: with the filter's and the view's,
	// the parameters its links carry.
	invalid map[string]bool
	asked   map[string]bool
}

// view is what the layout and page templates see.
type view struct {
	Lang, Theme, Nonce, Page, Title string
	Nav                             []navLink
	Langs, Themes                   []navLink
	User                            *user
	CSRF                            string
	Embed                           bool
	Refresh                         int // seconds; 0: off
	Filter                          []field
	FilterAction                    string
	Presets                         []navLink
	Notices                         []notice
	Content                         any
	Version, Engine                 string
	CSS, JS, ECharts, Icon          string // asset URLs
	ChartsMissing                   bool
	AdminConfigured                 bool
	Generated                       time.Time
	// Report is set when the page is drawn as a section of a report:
	// forms and links to the server are left out. Only names the parts to
	// draw (nil: all).
	Report bool
	Only   map[string]bool

	networks map[string]imscope.Network
}

type navLink struct {
	Label, URL string
	Current    bool
	Value      string
}

type notice struct {
	Kind, Text string // error, warn, info
}

// Shows reports whether the part name is drawn: always on a page, in a
// report only for the sections asked for.
func (v *view) Shows(name string) bool { return v.Only == nil || v.Only[name] }

// T translates a catalog key into the page's language.
func (v *view) T(key string, args ...any) string { return translate(v.Lang, key, args...) }

// Net is a network's display name in the page's language; an id the
// catalog does not know shows as itself (as text: it may be hostile).
func (v *view) Net(id string) string {
	if id == "" {
		return v.T("outside")
	}
	if id == "other" {
		return v.T("other")
	}
	if n, ok := v.networks[id]; ok {
		return n.Name(v.Lang)
	}
	return id
}

// Color is a network's catalog colour, or "" for the palette's.
func (v *view) Color(id string) string { return v.networks[id].Color }

// pageRoutes mounts the pages.
func (d *Dashboard) pageRoutes(r *gin.Engine) {
	base := template.Must(template.New("").Funcs(templateFuncs).ParseFS(templateFS, "templates/layout.html", "templates/parts.html"))
	d.pages = d.pageDefs()
	for _, def := range d.pages {
		def.tmpl = template.Must(template.Must(base.Clone()).ParseFS(templateFS, "templates/pages/"+def.name+".html"))
		r.GET(def.path, d.servePage(def))
	}
	d.loginRoutes(r, base)
	d.adminPageRoutes(r)
	d.reportRoutes(r)
	d.silenceRoutes(r)
	d.missing = &pageDef{name: "notfound", path: "/", tmpl: template.Must(template.Must(base.Clone()).ParseFS(templateFS, "templates/notfound.html"))}
}

// notFound answers unknown routes: the API's JSON error under /api/v1, a
// page that links home elsewhere.
func (d *Dashboard) notFound(c *gin.Context) {
	if isAPI(c.Request.URL.Path) || d.missing == nil {
		d.api.notFound(c)
		return
	}
	p, _ := d.newPage(withoutQuery(c), d.missing)
	p.view.Content = struct{}{}
	p.status = http.StatusNotFound
	p.render(d.missing.tmpl)
}

func (d *Dashboard) methodNotAllowed(c *gin.Context) { d.api.methodNotAllowed(c) }

// pageDefs is every page, in navigation order.
func (d *Dashboard) pageDefs() []*pageDef {
	return []*pageDef{
		{name: "overview", path: "/", nav: true, build: d.buildOverview},
		{name: "share", path: "/share", nav: true, build: d.buildShare},
		{name: "migration", path: "/migration", nav: true, build: d.buildMigration},
		{name: "reach", path: "/reach", nav: true, build: d.buildReach},
		{name: "bridges", path: "/bridges", nav: true, build: d.buildBridges},
		{name: "collectors", path: "/collectors", nav: true, build: d.buildCollectors},
		{name: "alerts", path: "/alerts", nav: true, build: d.buildAlerts},
		{name: "reports", path: "/reports", nav: true, build: d.buildReports},
	}
}

func (d *Dashboard) servePage(def *pageDef) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, redirect := d.newPage(c, def)
		if redirect != "" {
			c.Redirect(http.StatusSeeOther, redirect)
			return
		}
		ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), d.opts.RequestTimeout)
		defer cancel()
		p.ctx = ctx
		build := func() (*renderedPage, error) {
			if err := def.build(p); err != nil {
				p.fail(err)
			}
			body, err := p.html(def.tmpl)
			return &renderedPage{body: body, status: p.status}, err
		}
		key := p.cacheKey()
		if key == "" {
			rp, err := build()
			p.write(rp, err)
			return
		}
		// Cached pages are kept with the nonce of the response that drew
		// them replaced by a placeholder, and get this response's own.
		nonce := []byte(p.view.Nonce)
		rp, _, err := d.rendered.do(ctx, key, func() (*renderedPage, error) {
			rp, err := build()
			if err != nil {
				return nil, err
			}
			return &renderedPage{body: bytes.ReplaceAll(rp.body, nonce, noncePlaceholder), status: rp.status}, nil
		}, func(rp *renderedPage) bool { return rp.status < http.StatusInternalServerError })
		if err == nil {
			rp = &renderedPage{body: bytes.ReplaceAll(rp.body, noncePlaceholder, nonce), status: rp.status}
		}
		p.write(rp, err)
	}
}

// renderedPage is a page drawn, as the page cache keeps it.
type renderedPage struct {
	body   []byte
	status int
}

// noncePlaceholder stands for the CSP nonce in a cached page.
var noncePlaceholder = []byte("\x00imscope-nonce\x00")

// cacheKey is the page's key in the page cache, or "" when the page must
// be drawn for this request alone: for a signed-in user (it carries their
// CSRF token) or with a notice from an action waiting to be shown. Pages of
// anonymous viewers are the same for everyone asking the same question,
// and a page costs more to draw (charts, template) than to answer.
func (p *pageCtx) cacheKey() string {
	if p.view.User != nil || p.d.opts.CacheTTL < 0 {
		return ""
	}
	if _, err := p.c.Cookie(cookieFlash); err == nil {
		return ""
	}
	return p.def.name + "?" + p.values.Encode() + "#" + p.view.Lang + "#" + p.view.Theme
}

// forget drops every cached answer and page: after an admin action that
// changes the data, everything is recomputed.
func (d *Dashboard) forget() {
	d.api.responses.clear()
	d.api.results.clear()
	d.rendered.clear()
}

// newPage reads the view parameters and the query. A query that is not in
// canonical form — empty fields of a submitted form, network checkboxes —
// is redirected to its canonical URL, so the address bar always holds a
// clean, shareable link.
func (d *Dashboard) newPage(c *gin.Context, def *pageDef) (*pageCtx, string) {
	p := &pageCtx{d: d, c: c, ctx: c.Request.Context(), reqID: requestID(c), def: def, status: http.StatusOK}
	values, err := parseQuery(c.Request.URL.RawQuery)
	if err != nil {
		values = url.Values{}
	}
	raw := url.Values{}
	for k, v := range values {
		raw[k] = slices.Clone(v)
	}
	lang := requestLang(c.Request, values.Get(pLang))
	p.view = &view{
		Lang: lang, Page: def.name, Title: translate(lang, "page."+def.name+".title"),
		Nonce: nonceOf(c), User: currentUser(c), Version: d.opts.Version, Engine: d.opts.Engine.Kind(),
		CSS: d.static.url("imscope.css"), JS: d.static.url("imscope.js"), ECharts: d.static.url(echartsFile), Icon: d.static.url("favicon.svg"),
		ChartsMissing: !d.static.has(echartsFile), AdminConfigured: d.opts.Auth.AdminConfigured(),
		FilterAction: def.path, Generated: d.opts.Now().UTC(), networks: map[string]imscope.Network{},
	}
	for _, n := range d.opts.Networks {
		p.view.networks[n.ID] = n
	}
	if err != nil {
		p.fail(err)
	}
	if err == nil {
		foldLists(values)
	}
	canon := url.Values{}
	for k, vs := range values {
		if len(vs) > 0 && strings.TrimSpace(vs[0]) != "" {
			canon.Set(k, strings.TrimSpace(vs[0]))
		}
	}
	if err == nil && !sameValues(canon, raw) {
		return nil, def.path + query(canon)
	}
	p.values = canon
	p.view.Theme = d.theme(c, canon.Get(pTheme))
	p.view.Embed = canon.Get(pEmbed) == "1"
	if s := canon.Get(pRefresh); s != "" {
		if dur, err := time.ParseDuration(s); err == nil && dur >= 5*time.Second && dur <= 24*time.Hour {
			p.view.Refresh = int(dur.Seconds())
		} else if s != "off" {
			p.notice("warn", translate(lang, "notice.bad_refresh", clip(s)))
			p.markInvalid(pRefresh)
		}
	}
	// View parameters that mean nothing are not carried from page to page.
	if _, ok := parseLang(canon.Get(pLang)); !ok && canon.Has(pLang) {
		p.markInvalid(pLang)
	}
	if !slices.Contains(themes, canon.Get(pTheme)) && canon.Has(pTheme) {
		p.markInvalid(pTheme)
	}
	if canon.Has(pEmbed) && !p.view.Embed {
		p.markInvalid(pEmbed)
	}
	if u := p.view.User; u != nil {
		p.view.CSRF = u.csrf
	}
	p.remember(cookieLang, values.Get(pLang), lang)
	p.remember(cookieTheme, values.Get(pTheme), p.view.Theme)
	p.navigation()
	return p, ""
}

// listParams are the lists a form submits as repeated checkboxes
// (network=qq&network=msn), by the comma-separated parameter they fold
// into (networks=msn,qq).
var listParams = map[string]string{pNetwork: pNetworks, pMerge: pMerge}

func foldLists(values url.Values) {
	for from, to := range listParams {
		vs, ok := values[from]
		if !ok || (from == to && len(vs) == 1) {
			continue
		}
		var ids []string
		for _, v := range vs {
			for _, id := range strings.Split(v, ",") {
				if id = strings.TrimSpace(id); id != "" && !slices.Contains(ids, id) {
					ids = append(ids, id)
				}
			}
		}
		slices.Sort(ids)
		values.Del(from)
		values.Set(to, strings.Join(ids, ","))
	}
}

func sameValues(a, b url.Values) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range b {
		if len(v) != 1 || a.Get(k) != v[0] {
			return false
		}
	}
	return true
}

// query is "?encoded" or "" for no parameters.
func query(v url.Values) string {
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// theme is the page's theme: the parameter, the cookie, or auto.
func (d *Dashboard) theme(c *gin.Context, param string) string {
	if slices.Contains(themes, param) {
		return param
	}
	if ck, err := c.Cookie(cookieTheme); err == nil && slices.Contains(themes, ck) {
		return ck
	}
	return "auto"
}

// remember keeps an explicit language or theme choice in a cookie, so the
// next page, reached by a link without the parameter, keeps it.
func (p *pageCtx) remember(name, given, chosen string) {
	if given == "" || p.c == nil {
		return
	}
	http.SetCookie(p.c.Writer, &http.Cookie{Name: name, Value: chosen, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, Secure: p.d.opts.Auth.SecureCookies})
}

// navigation builds the header: pages (carrying the filter), languages and
// themes (the current URL with one parameter changed).
func (p *pageCtx) navigation() {
	carry := p.carried()
	for _, def := range p.d.pages {
		if def.nav {
			p.view.Nav = append(p.view.Nav, navLink{Label: p.T("nav." + def.name), URL: def.path + query(carry), Current: def.name == p.def.name})
		}
	}
	for _, l := range languages {
		p.view.Langs = append(p.view.Langs, navLink{Label: translate(l, "lang.self"), URL: p.with(pLang, l), Current: l == p.view.Lang, Value: l})
	}
	for _, t := range themes {
		p.view.Themes = append(p.view.Themes, navLink{Label: p.T("theme." + t), URL: p.with(pTheme, t), Current: t == p.view.Theme, Value: t})
	}
}

// carried is the page's filter parameters, for links to other pages.
func (p *pageCtx) carried() url.Values {
	out := url.Values{}
	for _, k := range filterParams {
		if s := p.values.Get(k); s != "" && !p.invalid[k] {
			out[k] = []string{s}
		}
	}
	return out
}

// with is the current page's URL with one parameter set ("" removes it).
func (p *pageCtx) with(name, value string, more ...string) string {
	v := url.Values{}
	for k, vs := range p.values {
		if !p.invalid[k] {
			v[k] = slices.Clone(vs)
		}
	}
	set := func(k, val string) {
		if val == "" {
			v.Del(k)
		} else {
			v.Set(k, val)
		}
	}
	set(name, value)
	for i := 0; i+1 < len(more); i += 2 {
		set(more[i], more[i+1])
	}
	return p.def.path + query(v)
}

func (p *pageCtx) T(key string, args ...any) string { return p.view.T(key, args...) }

// notice adds a notice to the page, once: two questions failing on the
// same parameter say so once.
func (p *pageCtx) notice(kind, text string) {
	n := notice{Kind: kind, Text: text}
	if !slices.Contains(p.view.Notices, n) {
		p.view.Notices = append(p.view.Notices, n)
	}
}

// fail turns an error into a notice on the page and the status it is
// served with — the API's mapping (errors.go), in words: a bad parameter
// is the reader's to fix (400), an engine that is away is temporary
// (503), anything else is ours (500, logged with the request id).
func (p *pageCtx) fail(err error) {
	var ie *imscope.InvalidError
	id := p.reqID
	switch {
	case errors.As(err, &ie):
		msg := clipEchoes(ie.Message, p.values)
		if ie.Param != "" {
			msg = clip(ie.Param) + ": " + msg
			p.markInvalid(ie.Param)
		}
		p.notice("error", msg)
		p.setStatus(http.StatusBadRequest)
	case p.d.api.unavailable(p.ctx, err):
		p.notice("error", p.T("notice.engine_unavailable"))
		p.setStatus(http.StatusServiceUnavailable)
		p.d.opts.Logger.Warn("engine unavailable", "request_id", id, "page", p.def.name, "err", err)
	default:
		p.notice("error", p.T("notice.internal", id))
		p.setStatus(http.StatusInternalServerError)
		p.d.opts.Logger.Error("page failed", "request_id", id, "page", p.def.name, "err", err)
	}
}

func (p *pageCtx) setStatus(s int) {
	if s > p.status {
		p.status = s
	}
}

// ask answers an API endpoint with the page's parameters that the
// endpoint takes, plus extra name/value pairs (which win).
func (p *pageCtx) ask(path string, extra ...string) (result, map[string]string, error) {
	ep := p.d.api.endpointAt(path)
	v := url.Values{}
	if p.asked == nil {
		p.asked = map[string]bool{}
	}
	for _, name := range ep.allowed() {
		p.asked[name] = true
		if name == pFormat || name == pTable {
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
	return p.d.api.ask(p.ctx, path, v)
}

// dataLinks are a chart's "data" links: the API question behind it, as
// normalised, in JSON and as each CSV table asked for.
func (p *pageCtx) dataLinks(path string, q map[string]string, tables ...string) []navLink {
	return p.partLinks("", path, q, tables...)
}

// partLinks are the data links of a chart drawn only when its part of the
// page is (see view.Shows): a report exports the tables of the parts it
// shows, not of the whole page.
func (p *pageCtx) partLinks(part, path string, q map[string]string, tables ...string) []navLink {
	if p.report != nil {
		if part != "" && !p.view.Shows(part) {
			return nil
		}
		return p.report.exportLinks(path, q, tables)
	}
	v := url.Values{}
	for k, s := range q {
		if s != "" {
			v.Set(k, s)
		}
	}
	links := []navLink{{Label: "JSON", URL: apiPrefix + path + query(v)}}
	for _, t := range tables {
		c := url.Values{}
		for k, s := range v {
			c[k] = s
		}
		c.Set(pFormat, formatCSV)
		c.Set(pTable, t)
		label := "CSV"
		if len(tables) > 1 {
			label = "CSV (" + t + ")"
		}
		links = append(links, navLink{Label: label, URL: apiPrefix + path + "?" + c.Encode()})
	}
	return links
}

// card is one chart on a page with its data links, or the empty state
// that says what to do when there is nothing to draw.
type card struct {
	Chart     charts.Chart
	JSON      template.JS
	Nonce     string
	Links     []navLink
	DataLabel string
	Span      int
	Empty     *emptyState
}

type emptyState struct {
	Title, Hint string
}

// card renders a chart; a chart that cannot be encoded (a NaN from the
// data) becomes an error notice and an empty card, not a broken page.
func (p *pageCtx) card(ch charts.Chart, span int, links []navLink) *card {
	c := &card{Chart: ch, Nonce: p.view.Nonce, Links: links, DataLabel: p.T("data"), Span: span}
	j, err := ch.JSON()
	if err != nil {
		p.fail(err)
		c.Empty = &emptyState{Title: p.T("empty.chart_failed")}
		return c
	}
	c.JSON = j
	return c
}

// meta is a chart's title, subtitle and captions.
func (p *pageCtx) meta(id, titleKey, subtitle string, args ...any) charts.Meta {
	return charts.Meta{ID: id, Title: p.T(titleKey, args...), Subtitle: subtitle, SaveAsImage: p.T("chart.save")}
}

// render executes the page inside the layout and writes it.
func (p *pageCtx) render(t *template.Template) {
	body, err := p.html(t)
	p.write(&renderedPage{body: body, status: p.status}, err)
}

// html executes the page inside the layout.
func (p *pageCtx) html(t *template.Template) ([]byte, error) {
	p.scrub()
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p.view); err != nil {
		return nil, fmt.Errorf("cannot render page %s: %w", p.def.name, err)
	}
	return buf.Bytes(), nil
}

// write sends a drawn page, or the error that kept it from being drawn.
func (p *pageCtx) write(rp *renderedPage, err error) {
	if err != nil {
		p.d.opts.Logger.Error("cannot render page", "request_id", p.reqID, "page", p.def.name, "err", err)
		p.c.String(http.StatusInternalServerError, "500 internal error; quote request id %s\n", p.reqID)
		return
	}
	writePage(p.c, rp.status, rp.body)
}

// writePage sends an HTML page, gzip-compressed when accepted.
func writePage(c *gin.Context, status int, body []byte) {
	h := c.Writer.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Vary", "Accept-Encoding, Cookie")
	if len(body) >= minGzip && acceptsGzip(c.GetHeader("Accept-Encoding")) {
		body = gzipBytes(body, gzip.BestSpeed) // per request: speed over ratio
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.Status(status)
	if c.Request.Method != http.MethodHead {
		_, _ = c.Writer.Write(body)
	}
}
