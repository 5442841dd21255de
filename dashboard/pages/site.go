package pages

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/cache"
	"github.com/imscope/imscope/dashboard/guard"
	"github.com/imscope/imscope/dashboard/respond"
	"github.com/imscope/imscope/dashboard/static"
)

//go:embed templates
var templateFS embed.FS

// Options are the pages' own settings; everything else (the catalog, the
// clock, the caches' TTL, the time a page may take) is the API's.
type Options struct {
	// BridgesRefresh is how often the Bridges page refreshes itself
	// (default 1 min; negative: never). Other pages refresh only when
	// asked with ?refresh=.
	BridgesRefresh time.Duration
	// AdminConfigured says whether anyone can sign in: pages offer the
	// admin's actions only then.
	AdminConfigured bool
	// SecureCookies marks the language and theme cookies Secure (behind TLS).
	SecureCookies bool
}

// DefaultBridgesRefresh is Options.BridgesRefresh's default.
const DefaultBridgesRefresh = time.Minute

// Site is the dashboard's pages: each asks the API's questions (through
// API.Ask), draws its charts and executes its template inside the layout.
// Anonymous viewers' pages are cached like answers.
type Site struct {
	opts     Options
	cfg      api.Options // the API's, defaults filled in
	api      *api.API
	guard    *guard.Guard
	static   *static.Files
	log      *slog.Logger
	pages    []*pageDef                  // in navigation order, templates parsed
	login    *pageDef                    // the sign-in form
	missing  *pageDef                    // the 404 page
	rendered *cache.Cache[*renderedPage] // anonymous viewers' pages, by question
	networks map[string]imscope.Network  // the catalog, by id
}

// pageDef declares a page.
type pageDef struct {
	name  string // nav key, template file (templates/pages/NAME.html), i18n prefix
	path  string
	nav   bool // listed in the header
	admin bool // the admin's alone: others are sent to sign in, and the header lists it for the admin only
	build func(p *pageCtx) error
	tmpl  *template.Template
}

// New parses the pages' templates. The pages answer through a, identify
// their readers with g and link st's assets; g may be nil for a Site that
// only draws report sections (DrawSection), which have no reader.
func New(a *api.API, g *guard.Guard, st *static.Files, opts Options) (*Site, error) {
	if opts.BridgesRefresh == 0 {
		opts.BridgesRefresh = DefaultBridgesRefresh
	}
	ao := a.Options()
	s := &Site{opts: opts, cfg: ao, api: a, guard: g, static: st, log: ao.Logger,
		rendered: cache.New[*renderedPage](ao.CacheTTL, 256, ao.Now, a.Group()), networks: map[string]imscope.Network{}}
	for _, n := range ao.Networks {
		s.networks[n.ID] = n
	}
	base, err := template.New("").Funcs(templateFuncs).ParseFS(templateFS, "templates/layout.html", "templates/parts.html")
	if err != nil {
		return nil, fmt.Errorf("cannot parse the pages' layout: %w", err)
	}
	parse := func(def *pageDef, file string) error {
		t, err := template.Must(base.Clone()).ParseFS(templateFS, file)
		if err != nil {
			return fmt.Errorf("cannot parse %s: %w", file, err)
		}
		def.tmpl = t
		return nil
	}
	s.pages = s.pageDefs()
	for _, def := range s.pages {
		if err := parse(def, "templates/pages/"+def.name+".html"); err != nil {
			return nil, err
		}
	}
	s.login = &pageDef{name: "login", path: "/login"}
	s.missing = &pageDef{name: "notfound", path: "/"}
	if err := parse(s.login, "templates/login.html"); err != nil {
		return nil, err
	}
	if err := parse(s.missing, "templates/notfound.html"); err != nil {
		return nil, err
	}
	// The page cache is in the API's cache group: a page is outdated as
	// soon as an answer it drew is (new rows, an admin action).
	return s, nil
}

// Mount mounts the pages and the admin's forms on them.
func (s *Site) Mount(r gin.IRoutes) {
	for _, def := range s.pages {
		if def.admin {
			r.GET(def.path, s.guard.RequireAdmin, s.servePage(def))
			continue
		}
		r.GET(def.path, s.servePage(def))
	}
	s.collectorForms(r)
	s.silenceForms(r)
	s.reportForms(r)
	s.eventForms(r)
}

// NotFound answers unknown routes: the API's JSON error under /api/v1, a
// page that links home elsewhere.
func (s *Site) NotFound(c *gin.Context) {
	if respond.IsAPI(c.Request.URL.Path) {
		api.NotFound(c)
		return
	}
	p, _ := s.newPage(withoutQuery(c), s.missing)
	p.view.Content = struct{}{}
	p.status = http.StatusNotFound
	p.render(s.missing.tmpl)
}

// pageDefs is every page, in navigation order.
func (s *Site) pageDefs() []*pageDef {
	return []*pageDef{
		{name: "overview", path: "/", nav: true, build: s.buildOverview},
		{name: "share", path: "/share", nav: true, build: s.buildShare},
		{name: "migration", path: "/migration", nav: true, build: s.buildMigration},
		{name: "reach", path: "/reach", nav: true, build: s.buildReach},
		{name: "bridges", path: "/bridges", nav: true, build: s.buildBridges},
		{name: "collectors", path: "/collectors", nav: true, build: s.buildCollectors},
		{name: "alerts", path: "/alerts", nav: true, build: s.buildAlerts},
		{name: "reports", path: "/reports", nav: true, build: s.buildReports},
		{name: "events", path: "/events", nav: true, build: s.buildEvents},
		{name: "data", path: "/data", nav: true, admin: true, build: s.buildData},
	}
}

func (s *Site) servePage(def *pageDef) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, redirect := s.newPage(c, def)
		if redirect != "" {
			c.Redirect(http.StatusSeeOther, redirect)
			return
		}
		ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), s.cfg.RequestTimeout)
		defer cancel()
		p.ctx = ctx
		build := func(p *pageCtx) (*renderedPage, error) {
			if err := def.build(p); err != nil {
				p.fail(err)
			}
			body, err := p.html(def.tmpl)
			return &renderedPage{body: body, status: p.status}, err
		}
		key := p.cacheKey()
		if key == "" {
			rp, err := build(p)
			p.write(rp, err)
			return
		}
		// Cached pages are kept with the nonce of the response that drew
		// them replaced by a placeholder, and get this response's own. A
		// stale page is served while a background refresh draws it again,
		// after this request is answered: the refresh draws a copy of the
		// page detached from the request.
		nonce := []byte(p.view.Nonce)
		rp, _, err := s.rendered.Do(ctx, key, func(ctx context.Context) (*renderedPage, error) {
			rp, err := build(p.detached(ctx))
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

// detached is a copy of p to draw outside its request, under ctx: it
// shares nothing the request goes on using, and has no gin context (gin
// reuses it once the request is answered). A cached page depends on its
// request only through its cache key, so the copy draws the same page.
func (p *pageCtx) detached(ctx context.Context) *pageCtx {
	d := *p
	v := *p.view
	v.Notices = slices.Clone(v.Notices)
	d.view, d.c, d.ctx = &v, nil, ctx
	d.invalid, d.asked = maps.Clone(p.invalid), maps.Clone(p.asked)
	return &d
}

// noncePlaceholder stands for the CSP nonce in a cached page.
var noncePlaceholder = []byte("\x00imscope-nonce\x00")

// cacheKey is the page's key in the page cache, or "" when the page must
// be drawn for this request alone: for a signed-in user (it carries their
// CSRF token) or with a notice from an action waiting to be shown. Pages of
// anonymous viewers are the same for everyone asking the same question,
// and a page costs more to draw (charts, template) than to answer.
func (p *pageCtx) cacheKey() string {
	if p.view.User != nil || p.site.cfg.CacheTTL < 0 {
		return ""
	}
	if guard.HasFlash(p.c) {
		return ""
	}
	return p.def.name + "?" + p.values.Encode() + "#" + p.view.Lang + "#" + p.view.Theme
}
