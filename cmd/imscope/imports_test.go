package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope/collector"
)

// TestImportThroughServe: the real serve takes a CSV over HTTP under its
// configured cap, from an upload slower than its read and write timeouts
// (an upload is cut off only when it stops coming), runs it as a job, and
// the job's run prints as a local import's does.
func TestImportThroughServe(t *testing.T) {
	const token = "ims_import-token-0123456789abcdef"
	sum := sha256.Sum256([]byte(token))
	cfg := filepath.Join(t.TempDir(), "imscope.yaml")
	yaml := "dashboard:\n  max_import_bytes: 1048576\n  http: {read_timeout: 1s, write_timeout: 1s}\n"
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	base, stop := startServeEnv(t, "import_serve", map[string]string{"IMSCOPE_ADMIN_TOKEN_SHA256": hex.EncodeToString(sum[:])}, "--config", cfg)
	defer stop()
	post := func(body io.Reader, length int64) (*http.Response, string) {
		req, err := http.NewRequest(http.MethodPost, base+"/api/v1/imports?kind=reports&file=shares.csv", body)
		if err != nil {
			t.Fatal(err)
		}
		req.ContentLength = length
		req.Header.Set("Authorization", "Bearer "+token)
		return send(t, http.DefaultClient, req)
	}

	if resp, body := post(bytes.NewReader(make([]byte, 1<<20+1)), 1<<20+1); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a body over dashboard.max_import_bytes: %d %s, want 413", resp.StatusCode, body)
	}

	file := "period,publisher,basis,network,share_pct,bound,note\n" +
		"2010-Q3,Test,users,qq,76.37,eq,\n" +
		"2010-Q3,Test,users,msn,abc,eq,\n" +
		"2010-Q3,Test,users,fetion,5.55,eq,\n"
	pr, pw := io.Pipe()
	go func() {
		for _, line := range strings.SplitAfter(file, "\n") {
			pw.Write([]byte(line))
			time.Sleep(700 * time.Millisecond) // 2.8 s in all, past both timeouts
		}
		pw.Close()
	}()
	resp, body := post(pr, -1)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("a slow upload: %d %s, want 202", resp.StatusCode, body)
	}
	var accepted struct {
		Data struct{ ID, State, URL string }
	}
	if err := json.Unmarshal([]byte(body), &accepted); err != nil || accepted.Data.State != "queued" {
		t.Fatalf("accepted %s (%v)", body, err)
	}

	var job struct {
		Data struct {
			State  string
			Stored int
			Run    *collector.Run
		}
	}
	deadline := time.Now().Add(time.Minute)
	for job.Data.Run == nil && time.Now().Before(deadline) {
		req, _ := http.NewRequest(http.MethodGet, base+accepted.Data.URL, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		_, body = send(t, http.DefaultClient, req)
		if err := json.Unmarshal([]byte(body), &job); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if job.Data.State != "done" || job.Data.Stored != 2 || job.Data.Run == nil {
		t.Fatalf("job %s", body)
	}
	var out bytes.Buffer
	printRun(&out, *job.Data.Run)
	if got := out.String(); !strings.HasPrefix(got, "import: partial, 2 rows read: 2 new in ") || !strings.Contains(got, "; 1 problems\n  shares.csv:3:5: share_pct: \"abc\" is not a number\n") {
		t.Errorf("printed:\n%s", got)
	}
}
