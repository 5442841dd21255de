package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/imscope/imscope/queries/embedded"
)

// writeUsageCSV writes n usage rows, each with its own (ts, network).
func writeUsageCSV(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "usage.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, "ts,network,metric,value")
	base := time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)
	nets := []string{"qq", "wangwang", "fetion", "msn"}
	for i := range n {
		fmt.Fprintf(w, "%s,%s,messages,%d\n", base.Add(time.Duration(i/4)*time.Second).Format(time.RFC3339), nets[i%4], i%1000)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestImportSurvivesKill9: an import killed with SIGKILL in the middle of a
// batch, then run again, leaves every row exactly once — the rows the first
// try stored are found by their keys the second time.
func TestImportSurvivesKill9(t *testing.T) {
	bin := buildBinary(t)
	lib := projectLibrary(t)
	const rows = 2_000_000
	csv := writeUsageCSV(t, rows)
	data := sharedData()
	args := []string{"import", "usage", csv, "--data", data, "--database", "kill9", "--libchdb", lib, "--log-level", "debug"}

	cmd := exec.Command(bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stored := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "stored batch") {
				stored <- true
				break
			}
		}
		io.Copy(io.Discard, stderr)
		close(stored)
	}()
	if ok := <-stored; !ok {
		cmd.Wait()
		t.Fatal("the import ended without storing a batch")
	}
	// The first batch is in; the next is being read and inserted. Kill now.
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("the import was not killed mid-way (it ended with %v); the test proves nothing", err)
	}

	out, err := exec.Command(bin, args[:len(args)-2]...).CombinedOutput()
	if err != nil {
		t.Fatalf("second import: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), fmt.Sprintf("import: ok, %d rows", rows)) {
		t.Fatalf("second import output: %s", out)
	}

	e, err := embedded.Open(context.Background(), embedded.Options{DataDir: data, Database: "kill9", Library: lib})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	rs, err := e.Query(context.Background(), "SELECT count(), uniqExact(ts, network) FROM usage_samples")
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var n, distinct uint64
	rs.Next()
	if err := rs.Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	if n != rows || distinct != rows {
		t.Fatalf("%d rows (%d distinct) after kill -9 and a re-run; want exactly %d", n, distinct, rows)
	}
}
