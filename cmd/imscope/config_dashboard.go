package main

import (
	"encoding/hex"
	"fmt"
	"net/url"
	"regexp"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/imscope/imscope/dashboard"
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
	// SessionKeyEnv names the variable holding the key that signs session
	// cookies (hex, at least 32 bytes); unset, a key is made at start and
	// sessions end with the process.
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
}

const defaultSessionKeyEnv = "IMSCOPE_SESSION_KEY"

func defaultDashboardConfig() DashboardConfig {
	return DashboardConfig{AdminUser: "admin", SessionKeyEnv: defaultSessionKeyEnv, FrameAncestors: []string{}, BridgesRefresh: dashboard.DefaultBridgesRefresh}
}

var (
	sha256Hex = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)
	envName   = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)
)

func (d *DashboardConfig) validate(p *configProblems) {
	if d.AdminPasswordBcrypt != "" {
		if _, err := bcrypt.Cost([]byte(d.AdminPasswordBcrypt)); err != nil {
			p.errorf("dashboard.admin_password_bcrypt", "is not a bcrypt hash ($2a$/$2b$…); make one with `imscope hash-password`")
		}
		if d.AdminUser == "" {
			p.errorf("dashboard.admin_user", "is empty, but a password is set")
		}
	}
	if d.AdminTokenSHA256 != "" && !sha256Hex.MatchString(d.AdminTokenSHA256) {
		p.errorf("dashboard.admin_token_sha256", "is not 64 hex digits (the SHA-256 of the token); make a pair with `imscope new-token`")
	}
	if d.RequireLogin && d.AdminPasswordBcrypt == "" && d.AdminTokenSHA256 == "" {
		p.errorf("dashboard.require_login", "is set, but no admin credential is: nobody could sign in")
	}
	if !envName.MatchString(d.SessionKeyEnv) {
		p.errorf("dashboard.session_key_env", "%q is not an environment variable name", d.SessionKeyEnv)
	}
	for i, o := range d.FrameAncestors {
		if o == "'self'" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			p.errorf(fmt.Sprintf("dashboard.frame_ancestors[%d]", i), "%q is not an origin like https://wiki.example.org (or 'self')", o)
		}
	}
	if d.BridgesRefresh != 0 && d.BridgesRefresh < 5*time.Second {
		p.errorf("dashboard.bridges_refresh", "must be 0 (off) or at least 5s, not %s", d.BridgesRefresh)
	}
}

// auth turns the section into the dashboard's Auth, reading the session
// key from the environment.
func (d *DashboardConfig) auth(getenv func(string) string) (dashboard.Auth, error) {
	a := dashboard.Auth{RequireLogin: d.RequireLogin, AdminUser: d.AdminUser, AdminPasswordHash: d.AdminPasswordBcrypt,
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
