package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// TestDashboardConfigProblems: each bad dashboard setting is reported with
// its file, line and key, all at once (testdata/config/dashboard-bad.golden).
func TestDashboardConfigProblems(t *testing.T) {
	_, err := loadConfig(cfgTestDir+"/dashboard-bad.yaml", cfgTestEnv(nil))
	if err == nil {
		t.Fatal("no error")
	}
	checkConfigGolden(t, "dashboard-bad.golden", err.Error()+"\n")
}

func TestDashboardAuth(t *testing.T) {
	hash, _ := bcrypt.GenerateFromPassword([]byte("a long enough password"), bcrypt.MinCost)
	sum := sha256.Sum256([]byte("tok"))
	env := cfgTestEnv(map[string]string{
		"IMSCOPE_ADMIN_PASSWORD_BCRYPT": string(hash),
		"IMSCOPE_ADMIN_TOKEN_SHA256":    hex.EncodeToString(sum[:]),
		"IMSCOPE_REQUIRE_LOGIN":         "true",
		"IMSCOPE_SESSION_KEY":           strings.Repeat("ab", 32),
	})
	c, err := loadConfig("", env)
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.Dashboard.auth(env)
	if err != nil {
		t.Fatal(err)
	}
	if !a.RequireLogin || a.AdminPasswordHash != string(hash) || a.AdminTokenHash != hex.EncodeToString(sum[:]) || len(a.SessionKey) != 32 {
		t.Errorf("auth %+v", a)
	}
	if _, err := c.Dashboard.auth(cfgTestEnv(map[string]string{"IMSCOPE_SESSION_KEY": "short"})); err == nil || !strings.Contains(err.Error(), "IMSCOPE_SESSION_KEY") {
		t.Errorf("a short session key: %v", err)
	}
	if logged := c.LogValue().String(); strings.Contains(logged, string(hash)) || strings.Contains(logged, strings.Repeat("ab", 32)) {
		t.Error("a credential is logged with the config")
	}
}

func TestCredentialCommands(t *testing.T) {
	saved := stdin
	t.Cleanup(func() { stdin = saved })
	stdin = strings.NewReader("correct horse battery staple\n")
	var out, errOut bytes.Buffer
	if err := run(t.Context(), []string{"hash-password"}, cfgTestEnv(nil), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if err := bcrypt.CompareHashAndPassword([]byte(strings.TrimSpace(out.String())), []byte("correct horse battery staple")); err != nil {
		t.Errorf("the printed hash does not verify: %v (%q)", err, out.String())
	}
	stdin = strings.NewReader("short\n")
	if err := run(t.Context(), []string{"hash-password"}, cfgTestEnv(nil), &out, &errOut); err == nil {
		t.Error("a short password was hashed")
	}
	out.Reset()
	if err := run(t.Context(), []string{"new-token"}, cfgTestEnv(nil), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	var token, hash string
	for _, line := range strings.Split(out.String(), "\n") {
		if v, ok := strings.CutPrefix(line, "token:  "); ok {
			token = v
		}
		if v, ok := strings.CutPrefix(line, "sha256: "); ok {
			hash = v
		}
	}
	sum := sha256.Sum256([]byte(token))
	if token == "" || hex.EncodeToString(sum[:]) != hash {
		t.Errorf("token %q, sha256 %q", token, hash)
	}
}

// TestDashboardHTTPConfig: dashboard.http and dashboard.trusted_proxies
// are read from the file into the server's limits; keys left out keep
// their defaults.
func TestDashboardHTTPConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "imscope.yaml")
	yaml := "dashboard:\n  trusted_proxies: [127.0.0.1, \"10.0.0.0/8\", \"::1\"]\n  http: {read_timeout: 5s, max_header_bytes: 8192}\n"
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := loadConfig(path, cfgTestEnv(nil))
	if err != nil {
		t.Fatal(err)
	}
	srv := c.Dashboard.HTTP.server(http.NotFoundHandler())
	def := defaultHTTPConfig()
	if srv.ReadTimeout != 5*time.Second || srv.MaxHeaderBytes != 8192 || srv.ReadHeaderTimeout != def.ReadHeaderTimeout ||
		srv.WriteTimeout != def.WriteTimeout || srv.IdleTimeout != def.IdleTimeout {
		t.Errorf("server limits %+v", srv)
	}
	if got := c.Dashboard.TrustedProxies; !slices.Equal(got, []string{"127.0.0.1", "10.0.0.0/8", "::1"}) {
		t.Errorf("trusted proxies %v", got)
	}
	if def.ReadHeaderTimeout <= 0 || def.ReadTimeout <= 0 || def.WriteTimeout <= time.Minute || def.IdleTimeout <= 0 || def.MaxHeaderBytes <= 0 {
		t.Errorf("defaults %+v: every limit must be on, and answers allowed past the API's 60 s", def)
	}
}
