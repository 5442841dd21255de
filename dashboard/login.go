package dashboard

import (
	"crypto/hmac"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"
)

// loginView is the sign-in form.
type loginView struct {
	Next, Token, User string
	Failed, Throttled bool
	NotConfigured     bool
}

// loginRoutes mounts the sign-in form, sign-in and sign-out. The form is
// protected against login CSRF by a double-submit token: a random value in
// a cookie that must come back in the form.
func (d *Dashboard) loginRoutes(r *gin.Engine, base *template.Template) {
	tmpl := template.Must(template.Must(base.Clone()).ParseFS(templateFS, "templates/login.html"))
	def := &pageDef{name: "login", path: "/login", tmpl: tmpl}
	show := func(c *gin.Context, lv loginView, status int) {
		// The form needs none of the query but its view (next is read
		// already): the rest is not carried into the header's links.
		p, _ := d.newPage(onlyView(c), def)
		if p == nil { // a non-canonical query
			p, _ = d.newPage(withoutQuery(c), def)
		}
		lv.Token = randomToken()
		lv.NotConfigured = !d.opts.Auth.AdminConfigured()
		http.SetCookie(c.Writer, d.auth.cookie(cookieLogin, lv.Token, 600))
		p.view.Content = lv
		p.status = status
		p.render(tmpl)
	}
	r.GET("/login", func(c *gin.Context) {
		show(c, loginView{Next: safeNext(c.Query("next"))}, http.StatusOK)
	})
	r.POST("/login", func(c *gin.Context) {
		now := d.opts.Now()
		form := postForm(c)
		next := safeNext(form.Get("next"))
		ck, err := c.Cookie(cookieLogin)
		if err != nil || ck == "" || !hmac.Equal([]byte(ck), []byte(form.Get(formCSRF))) {
			d.forbidden(c, "the sign-in form expired; reload it and try again")
			return
		}
		client := clientOf(c)
		name := form.Get("user")
		err = d.auth.attempt(addrKey(client), d.auth.account(name), now, func() bool { return d.auth.checkPassword(name, form.Get("password"), now) })
		if te, ok := errors.AsType[*throttledError](err); ok {
			d.opts.Logger.Debug("sign-in refused: throttled", "client", client, "request_id", requestID(c))
			c.Header("Retry-After", strconv.Itoa(retryAfter(te.wait)))
			show(c, loginView{Next: next, Throttled: true}, http.StatusTooManyRequests)
			return
		}
		if err != nil {
			d.opts.Logger.Warn("sign-in failed", "client", client, "request_id", requestID(c))
			show(c, loginView{Next: next, User: name, Failed: true}, http.StatusUnauthorized)
			return
		}
		value, _ := d.auth.newSession(name, now)
		http.SetCookie(c.Writer, d.auth.cookie(cookieSession, value, int(d.auth.cfg.SessionTTL.Seconds())))
		http.SetCookie(c.Writer, d.auth.cookie(cookieLogin, "", -1))
		d.opts.Logger.Info("signed in", "user", name, "client", client)
		c.Redirect(http.StatusSeeOther, next)
	})
	// Signing out ends the session on the server: its cookie and its
	// forms' CSRF token are worth nothing afterwards, wherever copied.
	r.POST("/logout", d.requireAdmin, func(c *gin.Context) {
		if id := c.GetString(ctxSession); id != "" {
			d.auth.sessions.end(id)
			d.opts.Logger.Info("signed out", "user", currentUser(c).Name, "client", clientOf(c))
		}
		http.SetCookie(c.Writer, d.auth.cookie(cookieSession, "", -1))
		c.Redirect(http.StatusSeeOther, "/")
	})
}

// onlyView is c with its query cut to the view parameters (language,
// theme, embedding).
func onlyView(c *gin.Context) *gin.Context {
	q := c.Request.URL.Query()
	keep := url.Values{}
	for _, k := range []string{pLang, pTheme, pEmbed} {
		if v, ok := q[k]; ok {
			keep[k] = v
		}
	}
	withoutQuery(c)
	c.Request.URL.RawQuery = keep.Encode()
	return c
}

// withoutQuery is c with its query string dropped.
func withoutQuery(c *gin.Context) *gin.Context {
	u := *c.Request.URL
	u.RawQuery = ""
	r := c.Request.Clone(c.Request.Context())
	r.URL = &u
	c.Request = r
	return c
}
