package main

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/imscope/imscope/cmd/internal/yamlconf"
	"github.com/imscope/imscope/collector/importjob"
	"github.com/imscope/imscope/dashboard/guard"
	"github.com/imscope/imscope/dashboard/pages"
)

// DashboardConfig is the `dashboard:` section: who may view the pages and
// the API, the admin's credentials (as hashes: the file gives nothing
// away), embedding in other sites, and the Bridges page's refresh.
type DashboardConfig struct {
	// RequireLogin makes viewers sign in too; by default anyone who can
	// reach the server may view, and only admin actions need the admin.
	RequireLogin bool `yaml:"require_login"`
	// AdminUser signs in with the password whose bcrypt hash is
	// AdminPasswordBcrypt (`imscope hash-password` makes one).
	AdminUser           string `yaml:"admin_user"`
	AdminPasswordBcrypt string `yaml:"admin_password_bcrypt"`
	// AdminTokenSHA256 is the hex SHA-256 of an API token for scripts
	// (Authorization: Bearer TOKEN); `imscope new-token` makes a pair.
	AdminTokenSHA256 string `yaml:"admin_token_sha256"`
	// SessionKeyEnv names the variable holding the key of the MACs on
	// session cookies and form tokens (hex, at least 32 bytes); unset, a
	// key is made at start. Sessions live in memory and end with the
	// process either way.
	SessionKeyEnv string `yaml:"session_key_env"`
	// SecureCookies marks cookies Secure: set it when the dashboard is
	// served over HTTPS (behind a proxy).
	SecureCookies bool `yaml:"secure_cookies"`
	// FrameAncestors are the origins allowed to frame the pages (embed
	// mode, with ?embed=1 for a chrome-less view); empty refuses framing.
	FrameAncestors []string `yaml:"frame_ancestors"`
	// BridgesRefresh is how often the Bridges page refreshes itself; 0
	// turns it off.
	BridgesRefresh time.Duration `yaml:"bridges_refresh"`
	// TrustedProxies are the addresses or networks (10.0.0.0/8) of the
	// reverse proxies in front of imscope: only from them are
	// X-Forwarded-For, Forwarded and X-Real-IP believed. Empty: the client
	// is the TCP peer, whatever headers it sends.
	TrustedProxies []string `yaml:"trusted_proxies"`
	// MaxImportBytes caps a file sent to POST /api/v1/imports (compressed,
	// if it is): it is staged in the data directory before it is imported,
	// so this bounds the disk one upload may take.
	MaxImportBytes int64 `yaml:"max_import_bytes"`
	// HTTP bounds what one connection may hold.
	HTTP HTTPConfig `yaml:"http"`
}

// HTTPConfig is `dashboard.http:`, the HTTP server's limits. A client that
// sends its request slowly, sends nothing on a kept-alive connection or
// reads its answer slowly is cut off, so no one can hold connections (and
// file descriptors) open for free. The defaults suit a dashboard behind a
// proxy.
type HTTPConfig struct {
	// ReadHeaderTimeout bounds reading a request's headers.
	ReadHeaderTimeout time.Duration `yaml:"read_header_timeout"`
	// ReadTimeout bounds reading a whole request, body included (push
	// bodies are at most max_body_bytes, forms a few kilobytes).
	ReadTimeout time.Duration `yaml:"read_timeout"`
	// WriteTimeout bounds answering, from the end of the request's headers:
	// it must leave room for the API's slowest questions (60 s). Report
	// files, which can be large, get 10 minutes, and an admin's "run now",
	// which answers when the run has ended, 31 (respond.AllowSlowAnswer).
	WriteTimeout time.Duration `yaml:"write_timeout"`
	// IdleTimeout is how long a kept-alive connection may wait for its next
	// request; keep it above the proxy's own idle timeout for upstreams.
	IdleTimeout time.Duration `yaml:"idle_timeout"`
	// MaxHeaderBytes caps the request line and headers together.
	MaxHeaderBytes int `yaml:"max_header_bytes"`
}

// Defaults of dashboard.http.
func defaultHTTPConfig() HTTPConfig {
	return HTTPConfig{ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 2 * time.Minute,
		IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
}

func (h HTTPConfig) validate(p *yamlconf.Problems) {
	for _, d := range []struct {
		key string
		v   time.Duration
	}{{"read_header_timeout", h.ReadHeaderTimeout}, {"read_timeout", h.ReadTimeout}, {"write_timeout", h.WriteTimeout}, {"idle_timeout", h.IdleTimeout}} {
		if d.v < time.Second || d.v > 24*time.Hour {
			p.Errorf("dashboard.http."+d.key, "must be from 1s to 24h, not %s", d.v)
		}
	}
	if h.MaxHeaderBytes < 4<<10 || h.MaxHeaderBytes > 1<<20 {
		p.Errorf("dashboard.http.max_header_bytes", "must be from 4096 to 1048576, not %d", h.MaxHeaderBytes)
	}
}

// server applies the limits to an HTTP server.
func (h HTTPConfig) server(handler http.Handler) *http.Server {
	return &http.Server{Handler: handler, ReadHeaderTimeout: h.ReadHeaderTimeout, ReadTimeout: h.ReadTimeout,
		WriteTimeout: h.WriteTimeout, IdleTimeout: h.IdleTimeout, MaxHeaderBytes: h.MaxHeaderBytes}
}

const defaultSessionKeyEnv = "IMSCOPE_SESSION_KEY"

func defaultDashboardConfig() DashboardConfig {
	return DashboardConfig{AdminUser: "admin", SessionKeyEnv: defaultSessionKeyEnv, FrameAncestors: []string{}, BridgesRefresh: pages.DefaultBridgesRefresh,
		TrustedProxies: []string{}, MaxImportBytes: importjob.DefaultMaxBytes, HTTP: defaultHTTPConfig()}
}

var (
	sha256Hex = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)
	envName   = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)
)

func (d *DashboardConfig) validate(p *yamlconf.Problems) {
	if d.AdminPasswordBcrypt != "" {
		if _, err := bcrypt.Cost([]byte(d.AdminPasswordBcrypt)); err != nil {
			p.Errorf("dashboard.admin_password_bcrypt", "is not a bcrypt hash ($2a$/$2b$…); make one with `imscope hash-password`")
		}
		if d.AdminUser == "" {
			p.Errorf("dashboard.admin_user", "is empty, but a password is set")
		}
	}
	if d.AdminTokenSHA256 != "" && !sha256Hex.MatchString(d.AdminTokenSHA256) {
		p.Errorf("dashboard.admin_token_sha256", "is not 64 hex digits (the SHA-256 of the token); make a pair with `imscope new-token`")
	}
	if d.RequireLogin && d.AdminPasswordBcrypt == "" && d.AdminTokenSHA256 == "" {
		p.Errorf("dashboard.require_login", "is set, but no admin credential is: nobody could sign in")
	}
	if !envName.MatchString(d.SessionKeyEnv) {
		p.Errorf("dashboard.session_key_env", "%q is not an environment variable name", d.SessionKeyEnv)
	}
	for i, o := range d.FrameAncestors {
		if o == "'self'" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			p.Errorf(fmt.Sprintf("dashboard.frame_ancestors[%d]", i), "%q is not an origin like https://wiki.example.org (or 'self')", o)
		}
	}
	if d.BridgesRefresh != 0 && d.BridgesRefresh < 5*time.Second {
		p.Errorf("dashboard.bridges_refresh", "must be 0 (off) or at least 5s, not %s", d.BridgesRefresh)
	}
	for i, s := range d.TrustedProxies {
		if _, err := guard.ParseTrustedProxies([]string{s}); err != nil {
			p.Errorf(fmt.Sprintf("dashboard.trusted_proxies[%d]", i), "%v", err)
		}
	}
	if d.MaxImportBytes < minImportBytes || d.MaxImportBytes > maxImportBytes {
		p.Errorf("dashboard.max_import_bytes", "must be from %d (1 MiB) to %d (1 TiB), not %d", int64(minImportBytes), int64(maxImportBytes), d.MaxImportBytes)
	}
	d.HTTP.validate(p)
}

// Bounds of dashboard.max_import_bytes: below a mebibyte hardly a file of
// shares fits; above a tebibyte is a typo.
const (
	minImportBytes = 1 << 20
	maxImportBytes = 1 << 40
)

// auth turns the section into the dashboard's Auth, reading the session
// key from the environment.
func (d *DashboardConfig) auth(getenv func(string) string) (guard.Auth, error) {
	a := guard.Auth{RequireLogin: d.RequireLogin, AdminUser: d.AdminUser, AdminPasswordHash: d.AdminPasswordBcrypt,
		AdminTokenHash: d.AdminTokenSHA256, SecureCookies: d.SecureCookies}
	if s := getenv(d.SessionKeyEnv); s != "" {
		key, err := hex.DecodeString(s)
		if err != nil || len(key) < 32 {
			return a, fmt.Errorf("%s: want at least 32 bytes in hex (openssl rand -hex 32)", d.SessionKeyEnv)
		}
		a.SessionKey = key
	}
	return a, nil
}

// refresh is the Bridges page refresh as the dashboard takes it
// (negative: never).
func (d *DashboardConfig) refresh() time.Duration {
	if d.BridgesRefresh == 0 {
		return -1
	}
	return d.BridgesRefresh
}
