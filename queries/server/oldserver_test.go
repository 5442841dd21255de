//go:build linux

package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// oldServerBinaries are where Debian's clickhouse-server package (18.16)
// puts its binary; newer packages ship a "clickhouse" multi-tool instead.
var oldServerBinaries = []string{"clickhouse-server", "/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server"}

// findClickHouseServer returns the command that starts a ClickHouse server,
// or nil when none is installed.
func findClickHouseServer() []string {
	for _, b := range oldServerBinaries {
		if p, err := exec.LookPath(b); err == nil {
			return []string{p}
		}
	}
	if p, err := exec.LookPath("clickhouse"); err == nil {
		return []string{p, "server"}
	}
	return nil
}

// freePort asks the kernel for a free loopback TCP port.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// The smallest configuration 18.16 starts with: everything in a temporary
// directory, loopback only, a passwordless default user. The root element
// is <yandex> in 18.16 (newer servers accept it too). The server's time zone
// is not UTC, so that Date and DateTime decoding is checked against a zone.
const oldServerConfig = `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>{{dir}}/log/server.log</log>
    <errorlog>{{dir}}/log/error.log</errorlog>
    <console>0</console>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <tcp_port>{{tcp}}</tcp_port>
  <http_port>{{http}}</http_port>
  <path>{{dir}}/data/</path>
  <tmp_path>{{dir}}/tmp/</tmp_path>
  <user_files_path>{{dir}}/user_files/</user_files_path>
  <format_schema_path>{{dir}}/format_schemas/</format_schema_path>
  <users_config>{{dir}}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>Asia/Tokyo</timezone>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <mlock_executable>false</mlock_executable>
</yandex>
`

const oldServerUsers = `<?xml version="1.0"?>
<yandex>
  <profiles><default></default></profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas><default></default></quotas>
</yandex>
`

// startClickHouseServer starts the installed ClickHouse server on free
// loopback ports with a throwaway configuration, waits until it answers and
// returns its native-protocol address. The server's process group is killed
// when the test ends. The test is skipped when no server is installed.
func startClickHouseServer(t *testing.T) string {
	t.Helper()
	cmdline := findClickHouseServer()
	if cmdline == nil {
		t.Skip("no ClickHouse server binary (clickhouse-server or clickhouse) on this machine; `apt-get install clickhouse-server` provides Debian's 18.16")
	}
	dir := t.TempDir()
	for _, d := range []string{"log", "data", "tmp", "user_files", "format_schemas"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o750); err != nil {
			t.Fatal(err)
		}
	}
	tcp, http := freePort(t), freePort(t)
	for tcp == http {
		http = freePort(t)
	}
	config := strings.NewReplacer("{{dir}}", dir, "{{tcp}}", strconv.Itoa(tcp), "{{http}}", strconv.Itoa(http)).Replace(oldServerConfig)
	configPath := filepath.Join(dir, "config.xml")
	if err := os.WriteFile(configPath, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "users.xml"), []byte(oldServerUsers), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(filepath.Join(dir, "log", "stdout.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()

	cmd := exec.Command(cmdline[0], append(cmdline[1:], "--config-file="+configPath)...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = out, out
	// Its own process group, killed whole below; and killed with the test
	// binary should that die first.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("cannot start %s: %v", cmdline[0], err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		// Its data is thrown away with dir, so no graceful shutdown.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			t.Errorf("ClickHouse server (pid %d) did not exit after SIGKILL", cmd.Process.Pid)
		}
	})

	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp))
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			break
		}
		select {
		case err := <-exited:
			exited <- err // for the cleanup
			t.Fatalf("ClickHouse server exited at start (%v):\n%s", err, logTail(dir))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("ClickHouse server did not listen on %s within 20 s:\n%s", addr, logTail(dir))
		}
	}
	t.Logf("ClickHouse server %s listening on %s after %v", cmdline[0], addr, time.Since(start).Round(time.Millisecond))
	return addr
}

func logTail(dir string) string {
	var b strings.Builder
	for _, f := range []string{"stdout.log", "error.log"} {
		data, _ := os.ReadFile(filepath.Join(dir, "log", f))
		if len(data) > 2000 {
			data = data[len(data)-2000:]
		}
		fmt.Fprintf(&b, "--- %s\n%s\n", f, data)
	}
	return b.String()
}

// TestOldServer runs against Debian's clickhouse-server 18.16 when it is
// installed: Open must refuse it, naming both versions. With the gate
// lifted (open(..., false)), the parts of the engine an 18.16 server can
// exercise without query parameters — the native protocol's decoding and
// batch appends — are checked against a real server too.
func TestOldServer(t *testing.T) {
	addr := startClickHouseServer(t)
	url := "clickhouse://default@" + addr

	t.Run("refused", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		e, err := Open(ctx, Options{URL: url, Database: "imscope_old"})
		if err == nil {
			e.Close()
			t.Fatal("Open accepted a server older than MinVersion")
		}
		var tooOld *TooOldError
		if !errors.As(err, &tooOld) {
			t.Fatalf("Open: %v, want a *TooOldError", err)
		}
		if c, err := CompareVersions(tooOld.Version, MinVersion); err != nil || c >= 0 {
			t.Fatalf("refused version %q is not older than %s (%v)", tooOld.Version, MinVersion, err)
		}
		want := fmt.Sprintf("server engine: ClickHouse %s at %s is too old; imscope needs %s or newer", tooOld.Version, addr, MinVersion)
		if err.Error() != want {
			t.Fatalf("Open: %q\nwant     %q", err, want)
		}
		// Refused before anything was created.
		e, err = open(ctx, Options{URL: url}, false)
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		rows, err := e.Query(ctx, "SELECT name FROM system.databases")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				t.Fatal(err)
			}
			if name == "imscope_old" {
				t.Fatal("Open created the database on a server it refused")
			}
		}
	})

	t.Run("decodes", func(t *testing.T) { testOldServerDecodes(t, url) })
	t.Run("batch", func(t *testing.T) { testOldServerBatch(t, url) })
}
