package api_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"

	"github.com/imscope/imscope/dashboard/internal/dashtest"
)

// TestGzip: answers are compressed when the client accepts gzip, and the
// compressed answer decodes to the plain one, for a miss and for a hit.
func TestGzip(t *testing.T) {
	h := dashtest.Server(t, nil)
	target := "/api/v1/share?from=2011-01&to=2012-07"
	plain := dashtest.Get(t, h, target)
	for _, state := range []string{"hit", "hit"} {
		w := dashtest.Get(t, h, target, "Accept-Encoding", "br, gzip;q=0.8")
		if w.Header().Get("Content-Encoding") != "gzip" || w.Header().Get("X-Cache") != state {
			t.Fatalf("Content-Encoding %q, X-Cache %q", w.Header().Get("Content-Encoding"), w.Header().Get("X-Cache"))
		}
		if !strings.Contains(w.Header().Get("Vary"), "Accept-Encoding") {
			t.Errorf("Vary %q", w.Header().Get("Vary"))
		}
		zr, err := gzip.NewReader(w.Body)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(body, plain.Body.Bytes()) {
			t.Fatalf("gzip body differs from the plain one (%v)", err)
		}
		if w.Body.Len() >= plain.Body.Len() {
			t.Errorf("compressed %d bytes, plain %d", w.Body.Len(), plain.Body.Len())
		}
	}
	if w := dashtest.Get(t, h, target+"&format=csv", "Accept-Encoding", "gzip"); w.Header().Get("Content-Encoding") != "gzip" {
		t.Errorf("CSV not compressed")
	}
	if plain.Header().Get("Content-Encoding") != "" || !strings.Contains(plain.Header().Get("Vary"), "Accept-Encoding") {
		t.Errorf("plain answer: Content-Encoding %q, Vary %q", plain.Header().Get("Content-Encoding"), plain.Header().Get("Vary"))
	}
}
