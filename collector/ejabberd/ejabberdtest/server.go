// Package ejabberdtest runs a real ejabberd for tests — Debian's ejabberd
// 23.01, started by the test on free loopback ports with its own config and
// spool directory — and logs XMPP clients in to it. It is a package, not a
// _test.go file, so that the collector's tests and the binary's both use
// the same server.
//
// The Erlang VM runs without distribution (no -sname): nothing but the
// test's two ports is opened, no epmd is left running, no cookie is
// written. When the tests run as root, the server runs as the ejabberd
// user, as Debian runs it, in a directory owned by that user.
package ejabberdtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/imscope/imscope/collector/internal/xmpptest"
)

// Server is a running ejabberd.
type Server struct {
	// API is the root of mod_http_api: http://127.0.0.1:PORT/api.
	API string
	// C2S is the client port: plain XMPP, no TLS.
	C2S int
	// Version is ejabberd's, from its application file: 23.01-1.
	Version string
	// Account and Password are the account the API's permissions name for
	// Basic authentication and tokens: imscope@ the first host.
	Account, Password string

	dir, cfgPath string
	httpPort     int
	hosts        []string
	loopback     bool                // the loopbackRule is in the config
	owner        *syscall.Credential // nil: the current user
	out          *xmpptest.Output
}

// config is the server's ejabberd.yml. api_permissions are what the
// collector's README tells operators, plus a rule that lets the test set
// the server up from loopback without credentials.
const config = `# written by imscope's ejabberd tests
hosts:
%[1]s
loglevel: warning
hide_sensitive_log_data: true
certfiles: []
listen:
  -
    port: %[2]d
    ip: "127.0.0.1"
    module: ejabberd_c2s
    starttls: false
  -
    port: %[3]d
    ip: "127.0.0.1"
    module: ejabberd_http
    request_handlers:
      /api: mod_http_api
auth_method: internal
acl:
  imscope:
    user: %[4]s
access_rules:
  imscope_tokens:
    allow: imscope
oauth_access: imscope_tokens
api_permissions:
  "imscope by token":
    from: mod_http_api
    who:
      oauth:
        scope: "ejabberd:admin"
        acl: imscope
    what: [registered_vhosts, stats_host]
  "imscope by password":
    from: mod_http_api
    who:
      acl: imscope
    what: [registered_vhosts, stats_host]
%[5]s  "test setup from loopback":
    from: mod_http_api
    who:
      ip: 127.0.0.1/8
    what: [register, reload_config, oauth_issue_token]
modules:
  mod_admin_extra: {}
  mod_http_api: {}
`

// loopbackRule is the README's rule for imscope without credentials, on
// the server's own machine; added by OpenToLoopback.
const loopbackRule = `  "imscope from loopback":
    from: mod_http_api
    who:
      ip: 127.0.0.1/8
    what: [registered_vhosts, stats_host]
`

// Start runs ejabberd serving hosts until the test ends, or skips the test
// when ejabberd is not installed (Debian: apt-get install ejabberd
// erlang-p1-oauth2).
func Start(t testing.TB, hosts ...string) *Server {
	t.Helper()
	erl, err := exec.LookPath("erl")
	apps, _ := filepath.Glob("/usr/lib/*/ejabberd-*/ebin/ejabberd.app")
	if err != nil || len(apps) == 0 {
		t.Skip("ejabberd is not installed (Debian: apt-get install ejabberd erlang-p1-oauth2); skipping the live ejabberd test")
	}
	s := &Server{C2S: xmpptest.FreePort(t), httpPort: xmpptest.FreePort(t), hosts: hosts, out: &xmpptest.Output{},
		Account: "imscope@" + hosts[0], Password: "imscope-secret-4f2a"}
	s.API = fmt.Sprintf("http://127.0.0.1:%d/api", s.httpPort)
	s.Version = appVersion(t, apps[0])
	s.owner = ejabberdUser(t)
	s.dir, err = os.MkdirTemp("", "imscope-ejabberd-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(s.dir) })
	s.cfgPath = filepath.Join(s.dir, "ejabberd.yml")
	s.writeConfig(t)
	for _, d := range []string{"spool", "log"} {
		s.mkdir(t, filepath.Join(s.dir, d))
	}
	s.chown(t, s.dir)

	// What ejabberdctl foreground runs, without -sname.
	cmd := exec.Command(erl, "-noinput", "-noshell", "-mnesia", "dir", strconv.Quote(filepath.Join(s.dir, "spool")), "-s", "ejabberd")
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(),
		"HOME="+s.dir,
		"EJABBERD_CONFIG_PATH="+s.cfgPath,
		"EJABBERD_LOG_PATH="+filepath.Join(s.dir, "log", "ejabberd.log"),
		"ERL_LIBS="+filepath.Dir(filepath.Dir(filepath.Dir(apps[0]))),
		"ERL_CRASH_DUMP="+filepath.Join(s.dir, "log", "erl_crash.dump"),
		"ERL_CRASH_DUMP_BYTES=0")
	cmd.Stdout, cmd.Stderr = s.out, s.out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: s.owner}
	started := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("cannot start ejabberd: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM) // the VM stops cleanly on SIGTERM
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // its own process group: the VM and erl_child_setup
			<-done
		}
	})
	s.waitReady(t, done)
	t.Logf("ejabberd %s answered on %s after %v", s.Version, s.API, time.Since(started).Round(time.Millisecond))
	s.Register(t, "imscope", hosts[0], s.Password)
	return s
}

// waitReady waits until the API answers, or the server has exited.
func (s *Server) waitReady(t testing.TB, done <-chan struct{}) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second) // the VM takes 1–2 s; more on a loaded machine
	for {
		resp, err := http.Post(s.API+"/registered_vhosts", "application/json", strings.NewReader("{}"))
		if err == nil {
			resp.Body.Close()
			return
		}
		select {
		case <-done:
			t.Fatalf("ejabberd exited at start:\n%s%s", s.out.String(), s.logTail())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("ejabberd did not answer on %s within 60s:\n%s%s", s.API, s.out.String(), s.logTail())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Post sends command to the API without credentials — allowed from
// loopback for register, reload_config and oauth_issue_token only — and
// returns the status and body.
func (s *Server) Post(t testing.TB, command string, args any) (int, []byte) {
	t.Helper()
	body, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(s.API+"/"+command, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("ejabberd %s: %v", command, err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return resp.StatusCode, b.Bytes()
}

// Register creates the account user@host.
func (s *Server) Register(t testing.TB, user, host, password string) {
	t.Helper()
	if code, body := s.Post(t, "register", map[string]string{"user": user, "host": host, "password": password}); code != http.StatusOK {
		t.Fatalf("register %s@%s: %d %s", user, host, code, body)
	}
}

// Token issues an OAuth token for Account with scope ejabberd:admin, as
// `ejabberdctl oauth_issue_token` does. It skips the test when ejabberd
// cannot issue tokens (erlang-p1-oauth2 is not installed).
func (s *Server) Token(t testing.TB) string {
	t.Helper()
	if libs, _ := filepath.Glob("/usr/lib/erlang/lib/p1_oauth2-*"); len(libs) == 0 {
		t.Skip("erlang-p1-oauth2 is not installed, so ejabberd cannot issue tokens (Debian: apt-get install erlang-p1-oauth2)")
	}
	code, body := s.Post(t, "oauth_issue_token", map[string]any{"jid": s.Account, "ttl": 3600, "scopes": "ejabberd:admin"})
	var tok struct{ Token string }
	if code != http.StatusOK || json.Unmarshal(body, &tok) != nil || tok.Token == "" {
		t.Fatalf("oauth_issue_token: %d %s", code, body)
	}
	return tok.Token
}

// AddHost adds a virtual host to the running server, as an operator
// would: the config file, then reload_config.
func (s *Server) AddHost(t testing.TB, host string) {
	t.Helper()
	s.hosts = append(s.hosts, host)
	s.reload(t)
}

// OpenToLoopback lets callers on loopback use the collector's commands
// without credentials (the README's "imscope from loopback" rule).
func (s *Server) OpenToLoopback(t testing.TB) {
	t.Helper()
	s.loopback = true
	s.reload(t)
}

// reload rewrites the config file and has the server read it again.
func (s *Server) reload(t testing.TB) {
	t.Helper()
	s.writeConfig(t)
	s.chown(t, s.cfgPath)
	if code, body := s.Post(t, "reload_config", struct{}{}); code != http.StatusOK {
		t.Fatalf("reload_config: %d %s\n%s", code, body, s.logTail())
	}
}

func (s *Server) writeConfig(t testing.TB) {
	t.Helper()
	var hosts strings.Builder
	for _, h := range s.hosts {
		fmt.Fprintf(&hosts, "  - %q\n", h)
	}
	rule := ""
	if s.loopback {
		rule = loopbackRule
	}
	text := fmt.Sprintf(config, strings.TrimSuffix(hosts.String(), "\n"), s.C2S, s.httpPort, strconv.Quote(s.Account), rule)
	if err := os.WriteFile(s.cfgPath, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func (s *Server) mkdir(t testing.TB, dir string) {
	t.Helper()
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
}

// chown gives path (and what is under it) to the server's user.
func (s *Server) chown(t testing.TB, path string) {
	t.Helper()
	if s.owner == nil {
		return
	}
	err := filepath.Walk(path, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, int(s.owner.Uid), int(s.owner.Gid))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// logTail is the end of ejabberd's log, for a failure's message.
func (s *Server) logTail() string {
	data, _ := os.ReadFile(filepath.Join(s.dir, "log", "ejabberd.log"))
	if len(data) > 4000 {
		data = data[len(data)-4000:]
	}
	return "\n--- ejabberd.log (end)\n" + string(data)
}

// ejabberdUser is the credential to run the server with: the ejabberd
// user when the tests run as root (as Debian runs it), else nil (the
// current user, since only root can switch).
func ejabberdUser(t testing.TB) *syscall.Credential {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup("ejabberd")
	if err != nil {
		t.Skipf("running as root, and there is no ejabberd user to run ejabberd as: %v", err)
	}
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
}

var vsnRE = regexp.MustCompile(`\{vsn,\s*"([^"]+)"\}`)

// appVersion reads ejabberd's version from its application file.
func appVersion(t testing.TB, app string) string {
	data, err := os.ReadFile(app)
	if err != nil {
		t.Fatal(err)
	}
	if m := vsnRE.FindSubmatch(data); m != nil {
		return string(m[1])
	}
	return "unknown"
}
