package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/imscope/imscope/queries/embedded"
)

// These tests run the real binary as a separate process: signals and a
// missing libchdb.so are properties of a whole process, not of run().

// buildBinary builds imscope once per test binary into a temporary folder.
func buildBinary(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "imscope-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "imscope")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = errors.New("go build: " + string(out))
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// projectLibrary is libchdb.so as `make deps` installs it.
func projectLibrary(t testing.TB) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", embedded.ProjectLibrary))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("libchdb.so is not installed (%v); run `make deps`", err)
	}
	return p
}

// TestSIGINTStopsServeCleanly starts `imscope serve`, sends SIGINT and
// expects exit code 0 within 5 s; the data directory then reopens and still
// holds what was written.
func TestSIGINTStopsServeCleanly(t *testing.T) {
	bin := buildBinary(t)
	lib := projectLibrary(t)
	data := t.TempDir()
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(bin, "serve", "--listen", "127.0.0.1:0", "--data", data, "--libchdb", lib)
			cmd.Dir = t.TempDir()
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			url := waitForListen(t, stdout, &stderr)
			if url == "" {
				t.Fatalf("serve did not start; stderr:\n%s", stderr.String())
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("exit after %s: %v; stderr:\n%s", sig, err, stderr.String())
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("still running 5 s after %s; stderr:\n%s", sig, stderr.String())
			}
			if !strings.Contains(stderr.String(), "shutting down") {
				t.Fatalf("no graceful shutdown logged; stderr:\n%s", stderr.String())
			}
		})
	}
	// The data directory reopens cleanly: migrate finds the schema in place.
	out, err := exec.Command(bin, "migrate", "--data", data, "--libchdb", lib).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "schema is up to date") || strings.Contains(string(out), "applied migration") {
		t.Fatalf("reopening the data directory: %v\n%s", err, out)
	}
}

func waitForListen(t testing.TB, stdout interface{ Read([]byte) (int, error) }, stderr *bytes.Buffer) string {
	t.Helper()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "imscope listening on "); ok {
				found <- u
				return
			}
		}
		found <- ""
	}()
	select {
	case u := <-found:
		return u
	case <-time.After(60 * time.Second):
		return ""
	}
}

// TestStartsWithoutLibchdb: without libchdb.so anywhere, --help and version
// work and serve exits 1 with the documented one-line message, no panic.
func TestStartsWithoutLibchdb(t *testing.T) {
	bin := buildBinary(t)
	// A copy of the binary in an empty folder, run from another empty folder,
	// so neither the project folder nor "next to the binary" has the library.
	dir := t.TempDir()
	lonely := filepath.Join(dir, "imscope")
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lonely, b, 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=/usr/bin:/bin", "HOME=" + dir, "LD_LIBRARY_PATH="}
	runIt := func(args ...string) (string, string, int) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, lonely, args...)
		cmd.Dir = t.TempDir()
		cmd.Env = env
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String(), errb.String(), code
	}
	if out, _, code := runIt("--help"); code != 0 || !strings.Contains(out, "serve") {
		t.Fatalf("--help: exit %d, output %q", code, out)
	}
	if out, _, code := runIt("version"); code != 0 || !strings.HasPrefix(out, "imscope ") {
		t.Fatalf("version: exit %d, output %q", code, out)
	}
	_, errOut, code := runIt("serve", "--listen", "127.0.0.1:0", "--data", filepath.Join(dir, "data"))
	if code != 1 {
		t.Fatalf("serve without libchdb: exit %d, want 1; stderr %q", code, errOut)
	}
	want := "imscope: " + embedded.ErrLibraryMissing.Error() + "\n"
	if !strings.HasSuffix(errOut, want) {
		t.Fatalf("stderr %q does not end with the documented message %q", errOut, want)
	}
	if strings.Contains(errOut, "panic") || strings.Contains(errOut, "goroutine ") {
		t.Fatalf("stderr shows a panic: %q", errOut)
	}
	// An explicit path that does not exist is named.
	_, errOut, code = runIt("serve", "--libchdb", "/nonexistent/libchdb.so", "--data", filepath.Join(dir, "data"))
	if code != 1 || !strings.Contains(errOut, "/nonexistent/libchdb.so") {
		t.Fatalf("explicit missing library: exit %d, stderr %q", code, errOut)
	}
}
