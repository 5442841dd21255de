package guard

import (
	"crypto/hmac"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope/dashboard/respond"
)

// Options configure a Guard.
type Options struct {
	// Auth says who may view and who may act.
	Auth Auth
	// TrustedProxies are the reverse proxies whose forwarding headers
	// (X-Forwarded-For, Forwarded, X-Real-IP) name the client; from any
	// other peer they are ignored and the client is the TCP peer. Sign-in
	// throttling counts per client, so this must name only proxies the
	// operator runs (ParseTrustedProxies reads the config's list).
	TrustedProxies []netip.Prefix
	Logger         *slog.Logger
	Now            func() time.Time
}

// Guard decides who is asking and what they may do: it identifies every
// request (Identify), guards admin actions (RequireAdmin), throttles
// guessing at sign-ins and at push receivers' tokens, signs people in and
// out (MountSignIn) and carries one-time notices between pages (Flash).
type Guard struct {
	opts        Options
	auth        *authenticator
	crossOrigin *http.CrossOriginProtection
}

// New makes a Guard; without Auth's SessionKey a random key is made, so
// sessions and flashes of a previous process are worthless.
func New(opts Options) *Guard {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Guard{opts: opts, auth: newAuthenticator(opts.Auth, opts.Logger), crossOrigin: http.NewCrossOriginProtection()}
}

// ThrottlePush mounts a push receiver. It judges its callers' tokens
// itself; the guard only limits guessing: a client whose tokens it
// refused too often (a budget apart from sign-ins, throttle.go) is
// answered 429 before the receiver sees the request.
func (g *Guard) ThrottlePush(h http.Handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		// Not held like sign-ins (throttle.hold): a receiver refuses a
		// token at once, before reading the body, so concurrent guesses
		// are counted as fast as they come, and lawful pushes stay parallel.
		addr, now := addrKey(Client(c)), g.opts.Now()
		if wait := g.auth.throttle.wait(scopePush, addr, "", now); wait > 0 {
			g.opts.Logger.Debug("push refused: throttled", "client", Client(c), "request_id", respond.RequestID(c))
			tooManyRequests(c, wait, "too many pushes with a wrong token from this address; try again later")
			return
		}
		h.ServeHTTP(c.Writer, c.Request)
		if c.Writer.Status() == http.StatusUnauthorized {
			if held, _ := g.auth.throttle.failed(scopePush, addr, "", now); held {
				g.opts.Logger.Warn("push throttled: too many wrong tokens from one client", "client", Client(c), "for", addrWindow)
			}
		}
	}
}

// Identify identifies the user of every request. Wrong credentials
// are a 401, throttled ones a 429; without a user, pages redirect to the
// sign-in form and the API answers 401 when RequireLogin is set. Health
// checks, metrics, static files and the sign-in form are always open, and
// push receivers are not judged here at all: they check their own
// per-bridge tokens, which the admin's credentials are not.
func (g *Guard) Identify(c *gin.Context) {
	client := clientAddr(c.Request, g.opts.TrustedProxies)
	c.Set(ctxClient, client)
	if respond.IsPush(c.Request.URL.Path) {
		c.Next()
		return
	}
	if viaSocket(c.Request) {
		c.Set(ctxUser, socketUser)
		c.Next()
		return
	}
	u, sid, err := g.auth.identify(c.Request, client, g.opts.Now())
	if err != nil {
		g.authFailed(c, client, err)
		return
	}
	if u != nil {
		c.Set(ctxUser, u)
		if sid != "" {
			c.Set(ctxSession, sid)
		}
	}
	if u == nil && g.opts.Auth.RequireLogin && !openPath(c.Request.URL.Path) {
		if respond.IsAPI(c.Request.URL.Path) {
			unauthorized(c, "sign in first: send Authorization: Bearer TOKEN or Basic credentials")
			return
		}
		c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(SafeNext(c.Request.URL.RequestURI())))
		c.Abort()
		return
	}
	c.Next()
}

// authFailed answers credentials that failed or were not checked. The log
// names the client, never the credentials.
func (g *Guard) authFailed(c *gin.Context, client netip.Addr, err error) {
	if te, ok := errors.AsType[*throttledError](err); ok {
		g.opts.Logger.Debug("sign-in refused: throttled", "client", client, "request_id", respond.RequestID(c))
		tooManyRequests(c, te.wait, te.Error())
		return
	}
	g.opts.Logger.Warn("sign-in failed", "client", client, "request_id", respond.RequestID(c))
	unauthorized(c, err.Error())
}

// tooManyRequests refuses a throttled attempt with 429 and Retry-After.
func tooManyRequests(c *gin.Context, wait time.Duration, msg string) {
	c.Header("Retry-After", strconv.Itoa(retryAfter(wait)))
	respond.Deny(c, http.StatusTooManyRequests, respond.CodeTooManyRequests, msg)
}

func openPath(p string) bool {
	switch {
	case p == "/healthz", p == "/readyz", p == "/metrics", p == "/login", strings.HasPrefix(p, "/static/"), respond.IsPush(p):
		return true
	}
	return false
}

func unauthorized(c *gin.Context, msg string) {
	c.Header("WWW-Authenticate", `Basic realm="imscope", charset="UTF-8"`)
	respond.Deny(c, http.StatusUnauthorized, respond.CodeUnauthorized, msg)
}

func forbidden(c *gin.Context, msg string) {
	respond.Deny(c, http.StatusForbidden, respond.CodeForbidden, msg)
}

// CurrentUser is who made the request c, as Identify found them; nil for
// an anonymous viewer.
func CurrentUser(c *gin.Context) *User {
	if v, ok := c.Get(ctxUser); ok {
		return v.(*User)
	}
	return nil
}

// RequireAdmin guards admin actions: an admin user, and for every
// browser-borne credential (session cookie, Basic) a CSRF token in the
// form that only a page of ours can have put there — or, for Basic, the
// header X-Requested-By, which only a script can have set (scriptedBasic). Go's cross-origin
// protection (Sec-Fetch-Site / Origin) runs first, as a second lock.
func (g *Guard) RequireAdmin(c *gin.Context) {
	if err := g.crossOrigin.Check(c.Request); err != nil {
		forbidden(c, "cross-origin request refused")
		return
	}
	u := CurrentUser(c)
	if u == nil {
		if !respond.IsAPI(c.Request.URL.Path) && c.Request.Method == http.MethodGet {
			c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(SafeNext(c.Request.URL.RequestURI())))
			c.Abort()
			return
		}
		unauthorized(c, "admin actions need the admin's sign-in or token")
		return
	}
	if !u.Admin {
		forbidden(c, "this action is for the admin")
		return
	}
	if u.Via != "token" && u.Via != "socket" && c.Request.Method != http.MethodGet && !scriptedBasic(c, u) {
		if got := csrfToken(c); got == "" || !hmac.Equal([]byte(got), []byte(u.CSRF)) {
			msg := "the form's CSRF token is missing or stale; reload the page and try again"
			if u.Via == "basic" {
				msg = "HTTP Basic from a script needs the header " + HeaderRequestedBy + " (any value), or use a token (Authorization: Bearer); from a page, " + msg
			}
			forbidden(c, msg)
			return
		}
	}
	c.Next()
}

// HeaderCSRF carries the CSRF token of an admin action whose body is not a
// form — an import's CSV, sent by the page's script.
const HeaderCSRF = "X-CSRF-Token"

// csrfToken is the request's CSRF token: the header's, else the form's.
func csrfToken(c *gin.Context) string {
	if t := c.GetHeader(HeaderCSRF); t != "" {
		return t
	}
	return PostForm(c).Get(FormCSRF)
}

// HeaderRequestedBy lets a script that signs in with HTTP Basic act without
// a form's CSRF token: `curl -u admin -H 'X-Requested-By: cron' -X POST …`.
const HeaderRequestedBy = "X-Requested-By"

// scriptedBasic reports whether an admin action comes from a script using
// HTTP Basic. A browser replays Basic credentials it has cached on any
// request to this host, a forged cross-site form included, so Basic alone
// proves nothing; but no cross-site page can add a custom header without a
// CORS preflight, which imscope never grants, and a form cannot add one at
// all. Bearer tokens are never replayed by a browser and need no such proof;
// a session cookie needs the form's token.
func scriptedBasic(c *gin.Context, u *User) bool {
	return u.Via == "basic" && c.GetHeader(HeaderRequestedBy) != ""
}

// SafeNext keeps a post-login redirect on this site: a local path, never
// //host or a scheme.
func SafeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/"
	}
	return next
}
