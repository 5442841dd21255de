package dashboard

import (
	"crypto/hmac"
	"html/template"
	"net/http"

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
		p, _ := d.newPage(c, def)
		if p == nil { // a non-canonical query: the form needs none of it
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
		next := safeNext(c.PostForm("next"))
		ck, err := c.Cookie(cookieLogin)
		if err != nil || ck == "" || !hmac.Equal([]byte(ck), []byte(c.PostForm(formCSRF))) {
			d.forbidden(c, "the sign-in form expired; reload it and try again")
			return
		}
		addr := c.ClientIP()
		if d.auth.throttled(addr, now) {
			d.opts.Logger.Warn("sign-in throttled", "client", addr)
			show(c, loginView{Next: next, Throttled: true}, http.StatusTooManyRequests)
			return
		}
		name := c.PostForm("user")
		if !d.auth.checkPassword(name, c.PostForm("password"), now) {
			d.auth.failed(addr, now)
			d.opts.Logger.Warn("sign-in failed", "client", addr)
			show(c, loginView{Next: next, User: name, Failed: true}, http.StatusUnauthorized)
			return
		}
		value, _ := d.auth.newSession(name, now)
		http.SetCookie(c.Writer, d.auth.cookie(cookieSession, value, int(d.auth.cfg.SessionTTL.Seconds())))
		http.SetCookie(c.Writer, d.auth.cookie(cookieLogin, "", -1))
		d.opts.Logger.Info("signed in", "user", name, "client", addr)
		c.Redirect(http.StatusSeeOther, next)
	})
	r.POST("/logout", d.requireAdmin, func(c *gin.Context) {
		http.SetCookie(c.Writer, d.auth.cookie(cookieSession, "", -1))
		c.Redirect(http.StatusSeeOther, "/")
	})
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
