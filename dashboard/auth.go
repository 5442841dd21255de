package dashboard

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
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
	// SessionKey signs session cookies; when empty a random key is made at
	// start, so sessions end with the process.
	SessionKey []byte
	// SecureCookies marks cookies Secure (set it behind TLS).
	SecureCookies bool
	SessionTTL    time.Duration // default 12 h
}

// AdminConfigured reports whether any admin credential is set; without
// one, admin actions are refused for everyone.
func (a Auth) AdminConfigured() bool { return a.AdminPasswordHash != "" || a.AdminTokenHash != "" }

// Cookie names.
const (
	cookieSession = "imscope_session"
	cookieLogin   = "imscope_login" // pre-session CSRF token of the login form
	cookieLang    = "imscope_lang"
	cookieTheme   = "imscope_theme"
	formCSRF      = "_csrf"
	ctxUser       = "imscope.user"
)

// user is who made a request.
type user struct {
	Name  string
	Admin bool
	Via   string // session, basic or token
	csrf  string // the token forms must carry (session and basic)
}

// authenticator checks sessions, Basic credentials and tokens.
type authenticator struct {
	cfg Auth
	key []byte

	mu       sync.Mutex
	verified map[[32]byte]time.Time // Basic credentials already checked by bcrypt, until
	failures map[string][]time.Time // failed logins by client address
}

func newAuthenticator(cfg Auth) *authenticator {
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	key := cfg.SessionKey
	if len(key) == 0 {
		key = make([]byte, 32)
		_, _ = rand.Read(key)
	}
	return &authenticator{cfg: cfg, key: key, verified: map[[32]byte]time.Time{}, failures: map[string][]time.Time{}}
}

// errBadCredentials is a failed sign-in; it never says which part was wrong.
var errBadCredentials = errors.New("wrong user name, password or token")

// identify finds the request's user: nil for an anonymous request, an
// error for credentials that do not check out (which must not fall back
// to anonymous: a client that sent a wrong token wants to know).
func (au *authenticator) identify(r *http.Request, now time.Time) (*user, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, cred, _ := strings.Cut(h, " ")
		switch strings.ToLower(scheme) {
		case "bearer":
			if au.checkToken(strings.TrimSpace(cred)) {
				return &user{Name: "token", Admin: true, Via: "token"}, nil
			}
			return nil, errBadCredentials
		case "basic":
			name, pass, ok := r.BasicAuth()
			if ok && au.checkPassword(name, pass, now) {
				return &user{Name: name, Admin: true, Via: "basic", csrf: au.sign("basic\x00" + name)}, nil
			}
			return nil, errBadCredentials
		}
		return nil, errBadCredentials
	}
	c, err := r.Cookie(cookieSession)
	if err != nil {
		return nil, nil
	}
	s, ok := au.openSession(c.Value, now)
	if !ok {
		return nil, nil // expired or forged: treated as signed out
	}
	return &user{Name: s.User, Admin: true, Via: "session", csrf: s.CSRF}, nil
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

// Failed sign-ins are limited per client address: after loginBurst
// failures within loginWindow, further attempts are refused until the
// oldest falls out of the window.
const (
	loginBurst  = 5
	loginWindow = 5 * time.Minute
)

func (au *authenticator) throttled(addr string, now time.Time) bool {
	au.mu.Lock()
	defer au.mu.Unlock()
	recent := au.failures[addr][:0]
	for _, t := range au.failures[addr] {
		if now.Sub(t) < loginWindow {
			recent = append(recent, t)
		}
	}
	au.failures[addr] = recent
	return len(recent) >= loginBurst
}

func (au *authenticator) failed(addr string, now time.Time) {
	au.mu.Lock()
	defer au.mu.Unlock()
	if len(au.failures) > 4096 {
		clear(au.failures)
	}
	au.failures[addr] = append(au.failures[addr], now)
}

// session is what a session cookie carries, signed.
type session struct {
	User    string `json:"u"`
	Expires int64  `json:"e"`
	CSRF    string `json:"c"`
}

func (au *authenticator) newSession(name string, now time.Time) (string, session) {
	s := session{User: name, Expires: now.Add(au.cfg.SessionTTL).Unix(), CSRF: randomToken()}
	b, _ := json.Marshal(s) // strings and a number: cannot fail
	payload := base64.RawURLEncoding.EncodeToString(b)
	return payload + "." + au.sign(payload), s
}

func (au *authenticator) openSession(v string, now time.Time) (session, bool) {
	payload, mac, ok := strings.Cut(v, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(au.sign(payload))) {
		return session{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	var s session
	if err != nil || json.Unmarshal(b, &s) != nil || now.Unix() >= s.Expires || s.User == "" {
		return session{}, false
	}
	return s, true
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

// middleware identifies the user of every request. Wrong credentials are
// a 401; without a user, pages redirect to the sign-in form and the API
// answers 401 when RequireLogin is set. Health checks, metrics, static
// files, the sign-in form and push receivers (which check their own
// tokens) are always open.
func (d *Dashboard) authMiddleware(c *gin.Context) {
	u, err := d.auth.identify(c.Request, d.opts.Now())
	if err != nil {
		d.unauthorized(c, err.Error())
		return
	}
	if u != nil {
		c.Set(ctxUser, u)
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

func openPath(p string) bool {
	switch {
	case p == "/healthz", p == "/readyz", p == "/metrics", p == "/login", strings.HasPrefix(p, "/static/"),
		strings.HasPrefix(p, apiPrefix+"/push/"):
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
		if got := c.PostForm(formCSRF); got == "" || !hmac.Equal([]byte(got), []byte(u.csrf)) {
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
