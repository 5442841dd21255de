package guard

import (
	"crypto/hmac"
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope/dashboard/respond"
)

// LoginForm is what the sign-in form shows.
type LoginForm struct {
	Next, Token, User string
	Failed, Throttled bool
	NotConfigured     bool
}

// ShowLogin draws the sign-in form with the given status; the pages
// supply it, the guard decides what it says.
type ShowLogin func(c *gin.Context, form LoginForm, status int)

// MountSignIn mounts the sign-in form, sign-in and sign-out. The form is
// protected against login CSRF by a double-submit token: a random value in
// a cookie that must come back in the form.
func (g *Guard) MountSignIn(r gin.IRoutes, show ShowLogin) {
	form := func(c *gin.Context, lf LoginForm, status int) {
		lf.Token = randomToken()
		lf.NotConfigured = !g.opts.Auth.AdminConfigured()
		http.SetCookie(c.Writer, g.auth.cookie(cookieLogin, lf.Token, 600))
		show(c, lf, status)
	}
	r.GET("/login", func(c *gin.Context) {
		form(c, LoginForm{Next: SafeNext(c.Query("next"))}, http.StatusOK)
	})
	r.POST("/login", func(c *gin.Context) {
		now := g.opts.Now()
		posted := PostForm(c)
		next := SafeNext(posted.Get("next"))
		ck, err := c.Cookie(cookieLogin)
		if err != nil || ck == "" || !hmac.Equal([]byte(ck), []byte(posted.Get(FormCSRF))) {
			forbidden(c, "the sign-in form expired; reload it and try again")
			return
		}
		client := Client(c)
		name := posted.Get("user")
		err = g.auth.attempt(addrKey(client), g.auth.account(name), now, func() bool { return g.auth.checkPassword(name, posted.Get("password"), now) })
		if te, ok := errors.AsType[*throttledError](err); ok {
			g.opts.Logger.Debug("sign-in refused: throttled", "client", client, "request_id", respond.RequestID(c))
			c.Header("Retry-After", strconv.Itoa(retryAfter(te.wait)))
			form(c, LoginForm{Next: next, Throttled: true}, http.StatusTooManyRequests)
			return
		}
		if err != nil {
			g.opts.Logger.Warn("sign-in failed", "client", client, "request_id", respond.RequestID(c))
			form(c, LoginForm{Next: next, User: name, Failed: true}, http.StatusUnauthorized)
			return
		}
		value, _ := g.auth.newSession(name, now)
		http.SetCookie(c.Writer, g.auth.cookie(cookieSession, value, int(g.auth.cfg.SessionTTL.Seconds())))
		http.SetCookie(c.Writer, g.auth.cookie(cookieLogin, "", -1))
		g.opts.Logger.Info("signed in", "user", name, "client", client)
		c.Redirect(http.StatusSeeOther, next)
	})
	// Signing out ends the session on the server: its cookie and its
	// forms' CSRF token are worth nothing afterwards, wherever copied.
	r.POST("/logout", g.RequireAdmin, func(c *gin.Context) {
		if id := c.GetString(ctxSession); id != "" {
			g.auth.sessions.end(id)
			g.opts.Logger.Info("signed out", "user", CurrentUser(c).Name, "client", Client(c))
		}
		http.SetCookie(c.Writer, g.auth.cookie(cookieSession, "", -1))
		c.Redirect(http.StatusSeeOther, "/")
	})
}
