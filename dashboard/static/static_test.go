package static_test

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/imscope/imscope/dashboard/internal/dashtest"
	"github.com/imscope/imscope/dashboard/static"
)

// TestEmbeddedECharts: the binary serves the ECharts that `make deps`
// fetched, byte for byte the pinned one (third_party/SHA256SUMS), under a
// versioned URL cached for a year.
func TestMain(m *testing.M) { dashtest.Main(m) }

func TestEmbeddedECharts(t *testing.T) {
	want := pinnedSum(t, "node_modules/echarts/dist/echarts.min.js")
	h := dashtest.Server(t, nil)
	body := dashtest.Get(t, h, "/alerts").Body.String()
	st, _ := static.Load()
	url := st.URL(static.ECharts)
	if !strings.Contains(body, `<script src="`+url+`"`) {
		t.Fatalf("the page does not load %s", url)
	}
	w := dashtest.Get(t, h, url)
	if w.Code != http.StatusOK || w.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Fatalf("%s: %d %q", url, w.Code, w.Header().Get("Cache-Control"))
	}
	sum := sha256.Sum256(w.Body.Bytes())
	if got := hex.EncodeToString(sum[:]); got != want {
		t.Errorf("served ECharts sha256 %s, pinned %s", got, want)
	}
	gz := dashtest.Get(t, h, url, "Accept-Encoding", "gzip")
	if gz.Header().Get("Content-Encoding") != "gzip" || gz.Body.Len() >= w.Body.Len()/2 {
		t.Errorf("gzip: %q, %d of %d bytes", gz.Header().Get("Content-Encoding"), gz.Body.Len(), w.Body.Len())
	}
	if w := dashtest.Get(t, h, url, "If-None-Match", w.Header().Get("ETag")); w.Code != http.StatusNotModified {
		t.Errorf("revalidation: %d", w.Code)
	}
	if w := dashtest.Get(t, h, "/static/nope.js"); w.Code != http.StatusNotFound {
		t.Errorf("missing asset: %d", w.Code)
	}
	// The package's own Go files sit among the assets; they are not served.
	if w := dashtest.Get(t, h, "/static/static.go"); w.Code != http.StatusNotFound {
		t.Errorf("Go source served: %d", w.Code)
	}
}

// pinnedSum reads a file's sha256 from third_party/SHA256SUMS.
func pinnedSum(t *testing.T, name string) string {
	t.Helper()
	f, err := os.Open("../../third_party/SHA256SUMS")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if sum, file, ok := strings.Cut(s.Text(), "  "); ok && file == name {
			return sum
		}
	}
	t.Fatalf("%s is not pinned", name)
	return ""
}
