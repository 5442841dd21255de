package main

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestStartupMistakes runs the real binary into a newcomer's first
// mistakes: each fails at once, says what to change, and names the setting
// it came from; none of them touches a data directory it was not meant to.
func TestStartupMistakes(t *testing.T) {
	bin := buildBinary(t)
	lib := projectLibrary(t)

	t.Run("busy port", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		data := filepath.Join(t.TempDir(), "fresh")
		out, err := exec.Command(bin, "serve", "--listen", ln.Addr().String(), "--data", data, "--libchdb", lib).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "cannot listen on "+ln.Addr().String()) || !strings.Contains(string(out), "--listen") {
			t.Fatalf("serve on a busy port: %v\n%s", err, out)
		}
		// The port is checked before the engine opens: no migration ran,
		// the new data directory was not even made.
		if _, err := os.Stat(data); !os.IsNotExist(err) || strings.Contains(string(out), "applied migration") {
			t.Errorf("the data directory was touched (%v):\n%s", err, out)
		}
	})

	t.Run("libchdb setting", func(t *testing.T) {
		for _, tc := range []struct {
			args []string
			env  string
			want string
		}{
			{nil, "IMSCOPE_LIBCHDB=/nonexistent", "engine.libchdb (from IMSCOPE_LIBCHDB): embedded engine: cannot use /nonexistent: stat /nonexistent"},
			{[]string{"--libchdb", "/nonexistent"}, "", "engine.libchdb (from --libchdb): "},
		} {
			cmd := exec.Command(bin, append([]string{"migrate", "--data", t.TempDir()}, tc.args...)...)
			cmd.Env = append(os.Environ(), tc.env)
			out, err := cmd.CombinedOutput()
			if err == nil || !strings.Contains(string(out), tc.want) {
				t.Errorf("%v %s: %v\n%s\nwant %q", tc.args, tc.env, err, out, tc.want)
			}
		}
	})

	t.Run("cluster settings", func(t *testing.T) {
		// A cluster is of ClickHouse servers: serve refuses one on the
		// embedded engine, and replication without a cluster, before it
		// opens anything.
		for env, want := range map[string]string{
			"IMSCOPE_CLUSTER=prod":   "IMSCOPE_CLUSTER: needs ClickHouse servers (engine.clickhouse); the embedded engine is one process",
			"IMSCOPE_REPLICATED=yes": "IMSCOPE_REPLICATED: needs a cluster (engine.cluster)",
		} {
			data := filepath.Join(t.TempDir(), "data")
			cmd := exec.Command(bin, "serve", "--listen", "127.0.0.1:0", "--data", data)
			cmd.Env = append(os.Environ(), env)
			out, err := cmd.CombinedOutput()
			if err == nil || !strings.Contains(string(out), want) {
				t.Errorf("%s: %v\n%s\nwant %q", env, err, out, want)
			}
			if _, err := os.Stat(data); !os.IsNotExist(err) {
				t.Errorf("%s: the data directory was made", env)
			}
		}
	})

	t.Run("data directory in use", func(t *testing.T) {
		data := t.TempDir()
		// A serve of another database holds the directory; a command on the
		// default database finds no server of its own to ask
		// (TestCommandsBesideServe is the one that does).
		serve := exec.Command(bin, "serve", "--listen", "127.0.0.1:0", "--data", data, "--libchdb", lib, "--database", "other")
		stdout, err := serve.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		serve.Stderr = &stderr
		if err := serve.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { serve.Process.Kill(); serve.Wait() }()
		if waitForListen(t, stdout, &stderr) == "" {
			t.Fatalf("serve did not start:\n%s", stderr.String())
		}
		out, err := exec.Command(bin, "migrate", "--data", data, "--libchdb", lib).CombinedOutput()
		want := "the data directory " + data + " is in use by process " + strconv.Itoa(serve.Process.Pid) + ", which does not answer"
		if err == nil || !strings.Contains(string(out), want) {
			t.Errorf("a second process on the data directory: %v\n%s\nwant %q", err, out, want)
		}
	})
}
