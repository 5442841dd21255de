package pages

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/guard"
	"github.com/imscope/imscope/dashboard/respond"
	"github.com/imscope/imscope/dashboard/static"
)

// View parameters every page takes besides its filters. ParamRefresh
// (a duration, or off) is exported for reports, which draw pages that do
// not refresh.
const (
	pLang        = "lang"
	pTheme       = "theme"
	pEmbed       = "embed"
	ParamRefresh = "refresh"
	pNetwork     = "network" // one checkbox of the networks filter; folded into networks
)

// filterParams are carried from page to page by the navigation, so a
// chosen window and selection stay while the reader moves around.
var filterParams = []string{api.ParamFrom, api.ParamTo, api.ParamGranularity, api.ParamMetric, api.ParamSegment, api.ParamNetworks, pLang, pTheme, pEmbed}

var themes = []string{"auto", "light", "dark"}

// Cookies that keep a reader's explicit choices from page to page.
const (
	cookieLang  = "imscope_lang"
	cookieTheme = "imscope_theme"
)

// pageCtx is one page request on its way to a rendered page.
type pageCtx struct {
	site    *Site
	c       *gin.Context // nil when drawing a report's section
	ctx     context.Context
	reqID   string  // for logs and error notices
	exports Exports // set when the page is a section of a report
	def     *pageDef
	values  url.Values
	view    *view
	status  int
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
	User                            *guard.User
	CSRF                            string
	Embed                           bool
	Refresh                         int // seconds; 0: off
	Filter                          []field
	FilterAction                    string
	Presets                         []navLink
	Notices                         []Notice
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

	networks map[string]imscope.Network // the catalog, by id (Site's; read only)
}

type navLink struct {
	Label, URL string
	Current    bool
	Value      string
}

// Notice is a message above a page's content.
type Notice struct {
	Kind, Text string // error, warn, info
}

// Shows reports whether the part name is drawn: always on a page, in a
// report only for the sections asked for.
func (v *view) Shows(name string) bool { return v.Only == nil || v.Only[name] }

// T translates a catalog key into the page's language.
func (v *view) T(key string, args ...any) string { return Translate(v.Lang, key, args...) }

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

// newPage reads the view parameters and the query. A query that is not in
// canonical form — empty fields of a submitted form, network checkboxes —
// is redirected to its canonical URL, so the address bar always holds a
// clean, shareable link.
func (s *Site) newPage(c *gin.Context, def *pageDef) (*pageCtx, string) {
	p := &pageCtx{site: s, c: c, ctx: c.Request.Context(), reqID: respond.RequestID(c), def: def, status: http.StatusOK}
	values, err := api.ParseQuery(c.Request.URL.RawQuery)
	if err != nil {
		values = url.Values{}
	}
	raw := url.Values{}
	for k, v := range values {
		raw[k] = slices.Clone(v)
	}
	lang := requestLang(c.Request, values.Get(pLang))
	p.view = s.newView(c, def, lang)
	if err != nil {
		p.fail(err)
	}
	if err == nil {
		foldLists(values)
		foldBridges(values)
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
	p.viewParams(c, canon, lang)
	if u := p.view.User; u != nil {
		p.view.CSRF = u.CSRF
	}
	p.remember(cookieLang, values.Get(pLang), lang)
	p.remember(cookieTheme, values.Get(pTheme), p.view.Theme)
	p.navigation()
	return p, ""
}

// newView is what the layout and the page's template see, before the
// page adds its content.
func (s *Site) newView(c *gin.Context, def *pageDef, lang string) *view {
	return &view{
		Lang: lang, Page: def.name, Title: Translate(lang, "page."+def.name+".title"),
		Nonce: guard.Nonce(c), User: guard.CurrentUser(c), Version: s.cfg.Version, Engine: s.cfg.Engine.Kind(),
		CSS: s.static.URL("imscope.css"), JS: s.static.URL("imscope.js"), ECharts: s.static.URL(static.ECharts), Icon: s.static.URL("favicon.svg"),
		ChartsMissing: !s.static.Has(static.ECharts), AdminConfigured: s.opts.AdminConfigured,
		FilterAction: def.path, Generated: s.cfg.Now().UTC(), networks: s.networks,
	}
}

// viewParams reads the view parameters — theme, embedding, refresh — of a
// canonical query; those that mean nothing are not carried from page to
// page.
func (p *pageCtx) viewParams(c *gin.Context, canon url.Values, lang string) {
	p.view.Theme = p.site.theme(c, canon.Get(pTheme))
	p.view.Embed = canon.Get(pEmbed) == "1"
	if r := canon.Get(ParamRefresh); r != "" {
		if dur, err := time.ParseDuration(r); err == nil && dur >= 5*time.Second && dur <= 24*time.Hour {
			p.view.Refresh = int(dur.Seconds())
		} else if r != "off" {
			p.notice("warn", Translate(lang, "notice.bad_refresh", respond.Clip(r)))
			p.markInvalid(ParamRefresh)
		}
	}
	if _, ok := ParseLang(canon.Get(pLang)); !ok && canon.Has(pLang) {
		p.markInvalid(pLang)
	}
	if !slices.Contains(themes, canon.Get(pTheme)) && canon.Has(pTheme) {
		p.markInvalid(pTheme)
	}
	if canon.Has(pEmbed) && !p.view.Embed {
		p.markInvalid(pEmbed)
	}
}

// listParams are the lists a form submits as repeated checkboxes
// (network=qq&network=msn), by the comma-separated parameter they fold
// into (networks=msn,qq).
var listParams = map[string]string{pNetwork: api.ParamNetworks, api.ParamMerge: api.ParamMerge}

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
func (s *Site) theme(c *gin.Context, param string) string {
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
	http.SetCookie(p.c.Writer, &http.Cookie{Name: name, Value: chosen, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, Secure: p.site.opts.SecureCookies})
}

// navigation builds the header: pages (carrying the filter), Languages and
// themes (the current URL with one parameter changed).
func (p *pageCtx) navigation() {
	carry := p.carried()
	for _, def := range p.site.pages {
		if def.nav && (!def.admin || p.view.User != nil && p.view.User.Admin) {
			p.view.Nav = append(p.view.Nav, navLink{Label: p.T("nav." + def.name), URL: def.path + query(carry), Current: def.name == p.def.name})
		}
	}
	for _, l := range Languages {
		p.view.Langs = append(p.view.Langs, navLink{Label: Translate(l, "lang.self"), URL: p.with(pLang, l), Current: l == p.view.Lang, Value: l})
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
	n := Notice{Kind: kind, Text: text}
	if !slices.Contains(p.view.Notices, n) {
		p.view.Notices = append(p.view.Notices, n)
	}
}

func (p *pageCtx) setStatus(s int) {
	if s > p.status {
		p.status = s
	}
}

// takeFlash shows the flash an admin action left for this page, if any.
func (p *pageCtx) takeFlash() {
	if p.c == nil { // a report's section
		return
	}
	if kind, text, ok := p.site.guard.TakeFlash(p.c); ok {
		p.notice(kind, text)
	}
}
