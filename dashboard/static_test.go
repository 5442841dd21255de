package dashboard

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"strings"
	"testing"
)

// TestEmbeddedECharts: the binary serves the ECharts that `make deps`
// fetched, byte for byte the pinned one (third_party/SHA256SUMS), under a
// versioned URL cached for a year.
func TestEmbeddedECharts(t *testing.T) {
	want := pinnedSum(t, "node_modules/echarts/dist/echarts.min.js")
	h := server(t, nil)
	body := get(t, h, "/alerts").Body.String()
	st, _ := loadStatic()
	url := st.url(echartsFile)
	if !strings.Contains(body, `<script src="`+url+`"`) {
		t.Fatalf("the page does not load %s", url)
	}
	w := get(t, h, url)
	if w.Code != http.StatusOK || w.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Fatalf("%s: %d %q", url, w.Code, w.Header().Get("Cache-Control"))
	}
	sum := sha256.Sum256(w.Body.Bytes())
	if got := hex.EncodeToString(sum[:]); got != want {
		t.Errorf("served ECharts sha256 %s, pinned %s", got, want)
	}
	gz := get(t, h, url, "Accept-Encoding", "gzip")
	if gz.Header().Get("Content-Encoding") != "gzip" || gz.Body.Len() >= w.Body.Len()/2 {
		t.Errorf("gzip: %q, %d of %d bytes", gz.Header().Get("Content-Encoding"), gz.Body.Len(), w.Body.Len())
	}
	if w := get(t, h, url, "If-None-Match", w.Header().Get("ETag")); w.Code != http.StatusNotModified {
		t.Errorf("revalidation: %d", w.Code)
	}
	if w := get(t, h, "/static/nope.js"); w.Code != http.StatusNotFound {
		t.Errorf("missing asset: %d", w.Code)
	}
}

// pinnedSum reads a file's sha256 from third_party/SHA256SUMS.
func pinnedSum(t *testing.T, name string) string {
	t.Helper()
	f, err := os.Open("../third_party/SHA256SUMS")
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
