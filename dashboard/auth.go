package dashboard

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"
)

// Auth configures who may see the dashboard and who may act on it.
//
// There are two roles. Viewers see every page and the API; they need no
// login unless RequireLogin is set. The admin can also act (run a
// collector now, silence an alert, run a report) and signs in with a user
// name and password (a form that starts a session, or HTTP Basic) or
// presents an API token (Authorization: Bearer). Only hashes are
// configured: a bcrypt hash of the password and a SHA-256 hash of the
// token, so the config file gives nothing away.
type Auth struct {
	RequireLogin      bool
	AdminUser         string
	AdminPasswordHash string // bcrypt ($2a$/$2b$…); `imscope hash-password` makes one
	AdminTokenHash    string // hex SHA-256 of the token
	// SessionKey keys the MACs on session cookies and on Basic users' form
	// tokens; when empty a random key is made at start. Sessions themselves
	// live in memory (sessions.go) and end with the process either way.
	SessionKey []byte
	// SecureCookies marks cookies Secure (set it behind TLS).
	SecureCookies bool
	SessionTTL    time.Duration // default 12 h
}

// AdminConfigured reports whether any admin credential is set; without
// one, admin actions are refused for everyone.
func (a Auth) AdminConfigured() bool { return a.AdminPasswordHash != "" || a.AdminTokenHash != "" }

// fingerprint identifies the admin's credentials: it changes when the user
// name, the password or the token does.
func (a Auth) fingerprint() []byte {
	sum := sha256.Sum256([]byte(a.AdminUser + "\x00" + a.AdminPasswordHash + "\x00" + strings.ToLower(a.AdminTokenHash)))
	return sum[:]
}

// Cookie names.
const (
	cookieSession = "imscope_session"
	cookieLogin   = "imscope_login" // pre-session CSRF token of the login form
	cookieLang    = "imscope_lang"
	cookieTheme   = "imscope_theme"
	formCSRF      = "_csrf"
	ctxUser       = "imscope.user"
	ctxSession    = "imscope.session" // the session id of a session user
)

// user is who made a request.
type user struct {
	Name  string
	Admin bool
	Via   string // session, basic or token
	csrf  string // the token forms must carry (session and basic)
}

// authenticator checks sessions, Basic credentials and tokens, and limits
// guesses at them (throttle.go).
type authenticator struct {
	cfg      Auth
	log      *slog.Logger
	key      []byte // MAC key, bound to the credentials' fingerprint
	sessions *sessionStore
	throttle *throttle

	mu       sync.Mutex
	verified map[[32]byte]time.Time // Basic credentials already checked by bcrypt, until
}

func newAuthenticator(cfg Auth, log *slog.Logger) *authenticator {
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	base := cfg.SessionKey
	if len(base) == 0 {
		base = make([]byte, 32)
		_, _ = rand.Read(base)
	}
	// Everything signed with key (cookies, Basic form tokens) stops
	// verifying when a credential changes.
	m := hmac.New(sha256.New, base)
	m.Write([]byte("imscope auth\x00"))
	m.Write(cfg.fingerprint())
	return &authenticator{cfg: cfg, log: log, key: m.Sum(nil), sessions: newSessionStore(maxSessions), throttle: newThrottle(), verified: map[[32]byte]time.Time{}}
}

// errBadCredentials is a failed sign-in; it never says which part was wrong.
var errBadCredentials = errors.New("wrong user name, password or token")

// throttledError is an attempt refused unchecked: too many failures from
// the client's address or for the account (throttle.go).
type throttledError struct{ wait time.Duration }

func (e *throttledError) Error() string {
	return fmt.Sprintf("too many failed sign-ins from this address or for this account; try again in %d s", retryAfter(e.wait))
}

// retryAfter is a wait in whole seconds, rounded up, at least 1.
func retryAfter(d time.Duration) int { return max(1, int((d+time.Second-1)/time.Second)) }

// identify finds the request's user: nil for an anonymous request, an
// error for credentials that do not check out (which must not fall back
// to anonymous: a client that sent a wrong token wants to know) or that
// were not checked because the client or the account is throttled.
// Push receivers are not judged here: they check their own tokens.
func (au *authenticator) identify(r *http.Request, client netip.Addr, now time.Time) (*user, string, error) {
	addr := addrKey(client)
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, cred, _ := strings.Cut(h, " ")
		switch strings.ToLower(scheme) {
		case "bearer":
			token := strings.TrimSpace(cred)
			if err := au.attempt(addr, accountToken, now, func() bool { return au.checkToken(token) }); err != nil {
				return nil, "", err
			}
			return &user{Name: "token", Admin: true, Via: "token"}, "", nil
		case "basic":
			name, pass, ok := r.BasicAuth()
			if err := au.attempt(addr, au.account(name), now, func() bool { return ok && au.checkPassword(name, pass, now) }); err != nil {
				return nil, "", err
			}
			return &user{Name: name, Admin: true, Via: "basic", csrf: au.sign("basic\x00" + name)}, "", nil
		}
		return nil, "", errBadCredentials
	}
	c, err := r.Cookie(cookieSession)
	if err != nil {
		return nil, "", nil
	}
	id, s, ok := au.openSession(c.Value, now)
	if !ok {
		return nil, "", nil // ended, expired or forged: treated as signed out
	}
	return &user{Name: s.User, Admin: true, Via: "session", csrf: s.CSRF}, id, nil
}

// attempt runs check unless the client or the account is throttled, and
// records its outcome.
func (au *authenticator) attempt(addr, account string, now time.Time, check func() bool) error {
	release := au.throttle.hold(scopeSignIn, addr, account)
	defer release()
	if wait := au.throttle.wait(scopeSignIn, addr, account, now); wait > 0 {
		return &throttledError{wait: wait}
	}
	if !check() {
		addrHeld, accountSlowed := au.throttle.failed(scopeSignIn, addr, account, now)
		if addrHeld {
			au.log.Warn("sign-in throttled: too many failures from one client", "client", addr, "for", addrWindow)
		}
		if accountSlowed {
			au.log.Warn("sign-in slowed for an account: failures in a row from anywhere", "account", account)
		}
		return errBadCredentials
	}
	au.throttle.succeeded(addr, account, now)
	return nil
}

// account is the throttle's account for a user name: the admin's, or none
// for any other name (nothing to guess there; see throttle.go).
func (au *authenticator) account(name string) string {
	if au.cfg.AdminPasswordHash == "" || name != au.cfg.AdminUser {
		return ""
	}
	return "user " + name
}

func (au *authenticator) checkToken(token string) bool {
	if au.cfg.AdminTokenHash == "" || token == "" {
		return false
	}
	sum := sha256.Sum256([]byte(token))
	want, err := hex.DecodeString(strings.ToLower(au.cfg.AdminTokenHash))
	return err == nil && subtle.ConstantTimeCompare(sum[:], want) == 1
}

// checkPassword compares with bcrypt, which is slow on purpose (~50 ms);
// a Basic client sends its credentials with every request, so a pair
// that passed is remembered (by its hash) for a minute.
func (au *authenticator) checkPassword(name, pass string, now time.Time) bool {
	if au.cfg.AdminPasswordHash == "" {
		return false
	}
	key := sha256.Sum256([]byte(name + "\x00" + pass))
	au.mu.Lock()
	until, ok := au.verified[key]
	au.mu.Unlock()
	if ok && now.Before(until) {
		return true
	}
	userOK := subtle.ConstantTimeCompare([]byte(name), []byte(au.cfg.AdminUser)) == 1
	passOK := bcrypt.CompareHashAndPassword([]byte(au.cfg.AdminPasswordHash), []byte(pass)) == nil
	if !userOK || !passOK {
		return false
	}
	au.mu.Lock()
	if len(au.verified) > 1024 {
		clear(au.verified)
	}
	au.verified[key] = now.Add(time.Minute)
	au.mu.Unlock()
	return true
}

// newSession starts a session and returns its cookie value: the id and a
// MAC over it, so a forged cookie is refused before the store is asked.
func (au *authenticator) newSession(name string, now time.Time) (string, *session) {
	id, s := au.sessions.create(name, now, au.cfg.SessionTTL)
	return id + "." + au.sign("session\x00"+id), s
}

// openSession returns the live session a cookie value names.
func (au *authenticator) openSession(v string, now time.Time) (string, *session, bool) {
	id, mac, ok := strings.Cut(v, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(au.sign("session\x00"+id))) {
		return "", nil, false
	}
	s, ok := au.sessions.get(id, now)
	return id, s, ok
}

func (au *authenticator) sign(s string) string {
	m := hmac.New(sha256.New, au.key)
	m.Write([]byte(s))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (au *authenticator) cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true, Secure: au.cfg.SecureCookies, SameSite: http.SameSiteLaxMode}
}

// authMiddleware identifies the user of every request. Wrong credentials
// are a 401, throttled ones a 429; without a user, pages redirect to the
// sign-in form and the API answers 401 when RequireLogin is set. Health
// checks, metrics, static files and the sign-in form are always open, and
// push receivers are not judged here at all: they check their own
// per-bridge tokens, which the admin's credentials are not.
func (d *Dashboard) authMiddleware(c *gin.Context) {
	client := clientAddr(c.Request, d.opts.TrustedProxies)
	c.Set(ctxClient, client)
	if isPush(c.Request.URL.Path) {
		c.Next()
		return
	}
	u, sid, err := d.auth.identify(c.Request, client, d.opts.Now())
	if err != nil {
		d.authFailed(c, client, err)
		return
	}
	if u != nil {
		c.Set(ctxUser, u)
		if sid != "" {
			c.Set(ctxSession, sid)
		}
	}
	if u == nil && d.opts.Auth.RequireLogin && !openPath(c.Request.URL.Path) {
		if isAPI(c.Request.URL.Path) {
			d.unauthorized(c, "sign in first: send Authorization: Bearer TOKEN or Basic credentials")
			return
		}
		c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(safeNext(c.Request.URL.RequestURI())))
		c.Abort()
		return
	}
	c.Next()
}

// authFailed answers credentials that failed or were not checked. The log
// names the client, never the credentials.
func (d *Dashboard) authFailed(c *gin.Context, client netip.Addr, err error) {
	if te, ok := errors.AsType[*throttledError](err); ok {
		d.opts.Logger.Debug("sign-in refused: throttled", "client", client, "request_id", requestID(c))
		tooManyRequests(c, te.wait, te.Error())
		return
	}
	d.opts.Logger.Warn("sign-in failed", "client", client, "request_id", requestID(c))
	d.unauthorized(c, err.Error())
}

// tooManyRequests refuses a throttled attempt with 429 and Retry-After.
func tooManyRequests(c *gin.Context, wait time.Duration, msg string) {
	c.Header("Retry-After", strconv.Itoa(retryAfter(wait)))
	deny(c, http.StatusTooManyRequests, codeTooManyRequests, msg)
}

// isPush reports whether p is under a push receiver.
func isPush(p string) bool { return strings.HasPrefix(p, apiPrefix+"/push/") }

func openPath(p string) bool {
	switch {
	case p == "/healthz", p == "/readyz", p == "/metrics", p == "/login", strings.HasPrefix(p, "/static/"), isPush(p):
		return true
	}
	return false
}

func (d *Dashboard) unauthorized(c *gin.Context, msg string) {
	c.Header("WWW-Authenticate", `Basic realm="imscope", charset="UTF-8"`)
	deny(c, http.StatusUnauthorized, codeUnauthorized, msg)
}

func (d *Dashboard) forbidden(c *gin.Context, msg string) {
	deny(c, http.StatusForbidden, codeForbidden, msg)
}

// deny refuses a request: the API's error body under /api/v1, a line of
// text elsewhere.
func deny(c *gin.Context, status int, code, msg string) {
	if isAPI(c.Request.URL.Path) {
		writeError(c, status, apiError{Code: code, Message: msg, RequestID: requestID(c)})
		return
	}
	c.Header("Cache-Control", "no-store")
	c.String(status, "%d %s: %s\n", status, strings.ToLower(http.StatusText(status)), msg)
	c.Abort()
}

func currentUser(c *gin.Context) *user {
	if v, ok := c.Get(ctxUser); ok {
		return v.(*user)
	}
	return nil
}

// requireAdmin guards admin actions: an admin user, and for every
// browser-borne credential (session cookie, Basic) a CSRF token in the
// form that only a page of ours can have put there. Go's cross-origin
// protection (Sec-Fetch-Site / Origin) runs first, as a second lock.
func (d *Dashboard) requireAdmin(c *gin.Context) {
	if err := d.crossOrigin.Check(c.Request); err != nil {
		d.forbidden(c, "cross-origin request refused")
		return
	}
	u := currentUser(c)
	if u == nil {
		if !isAPI(c.Request.URL.Path) && c.Request.Method == http.MethodGet {
			c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(safeNext(c.Request.URL.RequestURI())))
			c.Abort()
			return
		}
		d.unauthorized(c, "admin actions need the admin's sign-in or token")
		return
	}
	if !u.Admin {
		d.forbidden(c, "this action is for the admin")
		return
	}
	if u.Via != "token" && c.Request.Method != http.MethodGet {
		if got := postForm(c).Get(formCSRF); got == "" || !hmac.Equal([]byte(got), []byte(u.csrf)) {
			d.forbidden(c, "the form's CSRF token is missing or stale; reload the page and try again")
			return
		}
	}
	c.Next()
}

// safeNext keeps a post-login redirect on this site: a local path, never
// //host or a scheme.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/"
	}
	return next
}
