package openmetrics

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/imscope/imscope/collector/internal/xmpptest"
)

// prosody is a real Prosody server started for a test: a temporary config
// and data directory, c2s, s2s and HTTP on free loopback ports, statistics
// from mod_http_openmetrics and mod_measure_active_users, three virtual
// hosts (a.example.test, b.example.test, xmpp.qq.example) and one account (alice@a.example.test, password "secret").
type prosody struct {
	dir                    string
	c2s, s2sPort, httpPort int
	metricsURL             string
}

const prosodyConfig = `-- written by imscope's openmetrics tests
run_as_root = true -- only matters when the tests run as root
pidfile = %[1]q
data_path = %[2]q
log = { { levels = { min = "warn" }, to = "console" } }
modules_enabled = { "http_openmetrics"; "measure_active_users"; "lastlog2"; "saslauth"; "dialback"; "disco"; "ping" }
statistics = "internal"
statistics_interval = "manual" -- collect at each scrape
http_ports = { %[3]d }
http_interfaces = { "127.0.0.1" }
https_ports = {}
c2s_ports = { %[4]d }
c2s_interfaces = { "127.0.0.1" }
c2s_direct_tls_ports = {}
legacy_ssl_ports = {}
s2s_ports = { %[5]d }
s2s_interfaces = { "127.0.0.1" }
s2s_direct_tls_ports = {}
openmetrics_allow_ips = { "127.0.0.1" }
authentication = "internal_plain"
storage = "internal"
c2s_require_encryption = false
s2s_require_encryption = false
allow_unencrypted_plain_auth = true
VirtualHost "a.example.test"
VirtualHost "b.example.test"
VirtualHost "xmpp.qq.example" -- not a catalog id: TestProsodyAliases maps it onto qq
`

// startProsody runs Prosody until the test ends, or skips the test when the
// prosody binary is not installed.
func startProsody(t testing.TB) *prosody {
	t.Helper()
	bin, err := exec.LookPath("prosody")
	if err != nil {
		t.Skip("prosody is not installed (Debian: apt-get install prosody prosody-modules); skipping the live Prosody test")
	}
	if _, err := os.Stat("/usr/lib/prosody/modules/mod_measure_active_users"); err != nil {
		if _, err2 := os.Stat("/usr/share/prosody-modules/mod_measure_active_users"); err2 != nil {
			t.Skip("prosody-modules is not installed (Debian: apt-get install prosody-modules); skipping the live Prosody test")
		}
	}
	dir := t.TempDir()
	p := &prosody{dir: dir, c2s: xmpptest.FreePort(t), s2sPort: xmpptest.FreePort(t), httpPort: xmpptest.FreePort(t)}
	p.metricsURL = fmt.Sprintf("http://127.0.0.1:%d/metrics", p.httpPort)
	data := filepath.Join(dir, "data")
	accounts := filepath.Join(data, "a%2eexample%2etest", "accounts")
	if err := os.MkdirAll(accounts, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(accounts, "alice.dat"), []byte(`return { ["password"] = "secret"; };`), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "prosody.cfg.lua")
	text := fmt.Sprintf(prosodyConfig, filepath.Join(dir, "prosody.pid"), data, p.httpPort, p.c2s, p.s2sPort)
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	var out xmpptest.Output
	cmd := exec.Command(bin, "--config", cfg, "-F")
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("cannot start prosody: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(p.metricsURL)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case <-done:
			t.Fatalf("prosody exited at start:\n%s", out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("prosody did not serve %s within 15s:\n%s", p.metricsURL, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// login opens an authenticated, bound client session for alice@a.example.test.
func (p *prosody) login(t testing.TB) *xmpptest.Conn {
	t.Helper()
	return xmpptest.Login(t, p.c2s, "alice", "a.example.test", "secret", "imscope-test")
}

// s2s opens an incoming server-to-server stream from remote.example to
// host, sends then, and waits until Prosody closes the stream. With then
// malformed, Prosody closes with a stream error; with "</stream:stream>",
// without one; with a dialback key, it tries to verify it by connecting
// back to remote.example, which does not resolve.
func (p *prosody) s2s(t testing.TB, host, then string) {
	t.Helper()
	c := xmpptest.Dial(t, p.s2sPort)
	c.Send(t, `<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' xmlns:db='jabber:server:dialback' to='`+host+`' from='remote.example' version='1.0'>`)
	if got := c.ReadUntilEnd("</stream:features>", "</stream:stream>"); strings.Contains(got, "</stream:stream>") {
		return
	}
	c.Send(t, then)
	c.ReadUntilEnd("</stream:stream>")
}

// scrapeRaw fetches the exposition as Prosody serves it.
func (p *prosody) scrapeRaw(t testing.TB) (string, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.metricsURL, nil)
	req.Header.Set("Accept", accept)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	if _, err := bufio.NewReader(resp.Body).WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return resp.Header.Get("Content-Type"), []byte(b.String())
}
