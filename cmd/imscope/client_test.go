package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// cliBeside runs the built binary on the data directory a serve process
// holds, with its config, and returns stdout, stderr and the error.
func (s *serveProcess) cli(cfg string, args ...string) (string, string, error) {
	return s.cliEnv(cfg, nil, args...)
}

// cliEnv is cli with environment variables added.
func (s *serveProcess) cliEnv(cfg string, env []string, args ...string) (string, string, error) {
	cmd := exec.Command(s.bin, append(args, "--data", s.data, "--libchdb", s.lib, "--config", cfg)...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

// sharePeriods are the periods /api/v1/share answers for a window.
func sharePeriods(t *testing.T, base, query string) []string {
	t.Helper()
	code, body := get(t, base+"/api/v1/share?"+query)
	if code != http.StatusOK {
		t.Fatalf("share: %d %s", code, body)
	}
	var ans struct {
		Data struct {
			Periods []struct {
				Period string `json:"period"`
			} `json:"periods"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &ans); err != nil {
		t.Fatalf("share: %v\n%s", err, body)
	}
	var out []string
	for _, p := range ans.Data.Periods {
		out = append(out, p.Period)
	}
	return out
}

// TestCommandsBesideServe runs the built binary as a user does: `imscope
// serve` holds the data directory, and in a second terminal the README's
// commands — import, collect, report run, report list, demo, migrate —
// send their work to it through the data directory's socket, print what
// they print alone and exit as they would; what they stored is in the
// server's API at once. A second serve on the directory is refused, naming
// the first.
func TestCommandsBesideServe(t *testing.T) {
	srv := newServeProcess(t)
	feed := filepath.Join(t.TempDir(), "feed.csv")
	writeFile(t, feed, "ts,network,metric,value\n2011-05-31,qq,active_users_30d,650000000\n2011-05-31,msn,active_users_30d,30000000\n")
	reports := t.TempDir()
	cfg := writeConfig(t, fmt.Sprintf(`
collectors:
  - {name: feed, kind: csv, schedule: "@every 24h", csv: {kind: usage, path: %q}}
reports:
  dir: %q
  chromium: none
  list:
    - {name: monthly, period: month, sections: [share]}
dashboard:
  admin_token_sha256: %x
`, feed, reports, sha256.Sum256([]byte("s3cret-token"))))
	serve, base, serveErr := srv.start(cfg)

	stdout, stderr, err := srv.cli(cfg, "import", "usage", "../../docs/examples/usage.csv")
	if err != nil || !strings.Contains(stdout, "import: ok, 24 rows read: 24 new") || !strings.Contains(stderr, "through the running server") {
		t.Fatalf("import beside serve: %v\nstdout:\n%s\nstderr:\n%s\nserve:\n%s", err, stdout, stderr, serveErr)
	}
	if got := sharePeriods(t, base, "from=2011-01&to=2011-02&granularity=month"); len(got) != 1 {
		t.Fatalf("the imported month is not in the API at once: %v", got)
	}
	stdout, _, err = srv.cli(cfg, "import", "usage", "../../docs/examples/usage.csv")
	if err != nil || !strings.Contains(stdout, "24 rows read: 0 new, 24 already stored") {
		t.Fatalf("the same file again: %v\n%s", err, stdout)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	writeFile(t, bad, "ts,network,metric,value\n2011-06-30,qq,active_users_30d,660000000\n2011-06-30,msn,active_users_30d,many\n")
	stdout, stderr, err = srv.cli(cfg, "import", "usage", bad, "--strict")
	if err == nil || !strings.Contains(stdout+stderr, "bad.csv:3:4") {
		t.Fatalf("a bad row, strictly: want a failure naming the file, line and column, got %v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	if got := sharePeriods(t, base, "from=2011-06&to=2011-07&granularity=month"); len(got) != 0 {
		t.Fatalf("a strict import with a bad row stored its good one: %v", got)
	}

	mayCSV := reportCSV(t, srv, cfg, "2011-05")
	stdout, _, err = srv.cli(cfg, "collect", "feed")
	if err != nil || !strings.Contains(stdout, "feed: ok, 2 rows read: 2 new") {
		t.Fatalf("collect beside serve: %v\n%s", err, stdout)
	}
	if got := sharePeriods(t, base, "from=2011-05&to=2011-06&granularity=month"); len(got) != 1 {
		t.Fatalf("the collected month is not in the API at once: %v", got)
	}
	// A report run right after draws what was just stored.
	if again := reportCSV(t, srv, cfg, "2011-05"); strings.Contains(mayCSV, "2011-05-01,qq") || !strings.Contains(again, "2011-05-01,qq") {
		t.Fatalf("the report of 2011-05 before the collection:\n%s\nand after it:\n%s", mayCSV, again)
	}
	if _, _, err = srv.cli(cfg, "collect", "nosuch"); err == nil {
		t.Fatal("collect of an unknown collector succeeded")
	}

	stdout, _, err = srv.cli(cfg, "report", "run", "monthly", "--period", "2011-01")
	if err != nil || !strings.Contains(stdout, "monthly 2011-01: ok (run ") || !strings.Contains(stdout, base+"/reports/runs/") {
		t.Fatalf("report run beside serve: %v\n%s", err, stdout)
	}
	stdout, _, err = srv.cli(cfg, "report", "list")
	if err != nil || !strings.Contains(stdout, "monthly: month, on demand; last 2011-01 ok") {
		t.Fatalf("report list beside serve: %v\n%s", err, stdout)
	}
	if _, stderr, err = srv.cli(cfg, "report", "run", "monthly", "--period", "2011-13"); err == nil || !strings.Contains(stderr, "2011-13") {
		t.Fatalf("a period that does not exist: %v\n%s", err, stderr)
	}

	stdout, _, err = srv.cli(cfg, "migrate")
	if err != nil || !strings.Contains(stdout, fmt.Sprintf("applied by imscope serve, process %d", serve.Process.Pid)) {
		t.Fatalf("migrate beside serve: %v\n%s", err, stdout)
	}
	stdout, _, err = srv.cli(cfg, "demo", "--panel-users", "500")
	if err != nil || !strings.Contains(stdout, "new") {
		t.Fatalf("demo beside serve: %v\n%s", err, stdout)
	}
	if got := sharePeriods(t, base, "from=2010-01&to=2011-01&granularity=quarter"); len(got) != 4 {
		t.Fatalf("the demo's 2010 is not in the API at once: %v", got)
	}

	// A server reached by its URL, as the admin by token; without the
	// right token it refuses, and the command says so. (--server goes
	// before the socket.)
	stdout, stderr, err = srv.cliEnv(cfg, []string{"IMSCOPE_ADMIN_TOKEN=s3cret-token"}, "collect", "feed", "--server", base)
	if err != nil || !strings.Contains(stdout, "feed: ok, 2 rows read: 0 new, 2 already stored") {
		t.Fatalf("collect --server: %v\n%s\n%s", err, stdout, stderr)
	}
	_, stderr, err = srv.cliEnv(cfg, []string{"IMSCOPE_ADMIN_TOKEN=wrong"}, "collect", "feed", "--server", base)
	if err == nil || !strings.Contains(stderr, "refused: ") {
		t.Fatalf("collect --server with a wrong token: %v\n%s", err, stderr)
	}
	_, stderr, err = srv.cliEnv(cfg, []string{"IMSCOPE_ADMIN_TOKEN="}, "collect", "feed", "--server", base)
	if err == nil || !strings.Contains(stderr, "IMSCOPE_ADMIN_TOKEN") {
		t.Fatalf("collect --server without a token: %v\n%s", err, stderr)
	}

	second := exec.Command(srv.bin, "serve", "--listen", "127.0.0.1:0", "--data", srv.data, "--libchdb", srv.lib, "--config", cfg)
	out, err := second.CombinedOutput()
	if err == nil || !strings.Contains(string(out), fmt.Sprintf("imscope serve (process %d, %s) already serves", serve.Process.Pid, base)) {
		t.Fatalf("a second serve on the directory: %v\n%s", err, out)
	}
}

// reportCSV runs the monthly report for period through the server,
// without delivery, and returns its CSV files as the links it prints serve
// them (a zip of CSV files).
func reportCSV(t *testing.T, srv *serveProcess, cfg, period string) string {
	t.Helper()
	stdout, _, err := srv.cli(cfg, "report", "run", "monthly", "--period", period, "--no-deliver")
	if err != nil {
		t.Fatalf("report run %s: %v\n%s", period, err, stdout)
	}
	var all strings.Builder
	for _, line := range strings.Split(stdout, "\n") {
		u := strings.TrimSpace(line)
		if !strings.HasPrefix(u, "http") || !strings.HasSuffix(u, "_csv.zip") {
			continue
		}
		code, body := get(t, u)
		z, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
		if code != http.StatusOK || err != nil {
			t.Fatalf("%s: %d %v", u, code, err)
		}
		for _, f := range z.File {
			r, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			all.Write(b)
		}
	}
	if all.Len() == 0 {
		t.Fatalf("report run %s printed no CSV link:\n%s", period, stdout)
	}
	return all.String()
}

// TestImportKilledBesideServe: an import killed (SIGKILL) while it sends
// its file to the server leaves the server well and nothing stored; run
// again, it lands every row once.
func TestImportKilledBesideServe(t *testing.T) {
	srv := newServeProcess(t)
	cfg := writeConfig(t, "")
	_, base, _ := srv.start(cfg)
	const rows = 4000
	full := writeUsageCSV(t, rows)
	content, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	// The CLI fetches this URL and passes it on: half the file, then
	// nothing until the test is done.
	started := make(chan struct{})
	hold := make(chan struct{})
	defer close(hold)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(len(content)))
		w.Write(content[:len(content)/2])
		w.(http.Flusher).Flush()
		close(started)
		select {
		case <-hold:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	cmd := exec.Command(srv.bin, "import", "usage", slow.URL+"/usage.csv", "--data", srv.data, "--libchdb", srv.lib, "--config", cfg)
	var cliErr bytes.Buffer
	cmd.Stderr = &cliErr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-started:
	case <-time.After(30 * time.Second):
		t.Fatalf("the import never fetched its file; stderr:\n%s", cliErr.String())
	}
	time.Sleep(300 * time.Millisecond) // the half on its way to the server
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	if code, body := get(t, base+"/readyz"); code != http.StatusOK {
		t.Fatalf("the server after a killed import: %d %s", code, body)
	}
	stdout, stderr, err := srv.cli(cfg, "import", "usage", full)
	if err != nil || !strings.Contains(stdout, fmt.Sprintf("%d rows read: %d new in", rows, rows)) {
		t.Fatalf("the import run again: %v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	stdout, _, err = srv.cli(cfg, "import", "usage", full)
	if err != nil || !strings.Contains(stdout, fmt.Sprintf("%d rows read: 0 new, %d already stored", rows, rows)) {
		t.Fatalf("the import a third time: %v\n%s", err, stdout)
	}
}
