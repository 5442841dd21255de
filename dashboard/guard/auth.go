package guard

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
	"strings"
	"sync"
	"time"

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

// Cookie names, and the form field that carries the CSRF token.
const (
	cookieSession = "imscope_session"
	cookieLogin   = "imscope_login" // pre-session CSRF token of the login form
	FormCSRF      = "_csrf"
	ctxUser       = "imscope.user"
	ctxSession    = "imscope.session" // the session id of a session user
)

// User is who made a request.
type User struct {
	Name  string
	Admin bool
	Via   string // session, basic, token or socket (LocalAdmin)
	CSRF  string // the token its forms must carry (session and basic)
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
func (au *authenticator) identify(r *http.Request, client netip.Addr, now time.Time) (*User, string, error) {
	addr := addrKey(client)
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, cred, _ := strings.Cut(h, " ")
		switch strings.ToLower(scheme) {
		case "bearer":
			token := strings.TrimSpace(cred)
			if err := au.attempt(addr, accountToken, now, func() bool { return au.checkToken(token) }); err != nil {
				return nil, "", err
			}
			return &User{Name: "token", Admin: true, Via: "token"}, "", nil
		case "basic":
			name, pass, ok := r.BasicAuth()
			if err := au.attempt(addr, au.account(name), now, func() bool { return ok && au.checkPassword(name, pass, now) }); err != nil {
				return nil, "", err
			}
			return &User{Name: name, Admin: true, Via: "basic", CSRF: au.sign("basic\x00" + name)}, "", nil
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
	return &User{Name: s.User, Admin: true, Via: "session", CSRF: s.CSRF}, id, nil
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
