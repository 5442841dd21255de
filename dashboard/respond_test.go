package dashboard

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestGzip: answers are compressed when the client accepts gzip, and the
// compressed answer decodes to the plain one, for a miss and for a hit.
func TestGzip(t *testing.T) {
	h := server(t, nil)
	target := "/api/v1/share?from=2011-01&to=2012-07"
	plain := get(t, h, target)
	for _, state := range []string{"hit", "hit"} {
		w := get(t, h, target, "Accept-Encoding", "br, gzip;q=0.8")
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
	if w := get(t, h, target+"&format=csv", "Accept-Encoding", "gzip"); w.Header().Get("Content-Encoding") != "gzip" {
		t.Errorf("CSV not compressed")
	}
	if plain.Header().Get("Content-Encoding") != "" || !strings.Contains(plain.Header().Get("Vary"), "Accept-Encoding") {
		t.Errorf("plain answer: Content-Encoding %q, Vary %q", plain.Header().Get("Content-Encoding"), plain.Header().Get("Vary"))
	}
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"": false, "gzip": true, "GZIP": true, "deflate, gzip": true, "gzip;q=0": false, "gzip; q=0.5": true,
		"*": true, "*;q=0": false, "*, gzip;q=0": false, "br": false, "identity": false, "x-gzip": true,
	} {
		if got := acceptsGzip(h); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", h, got, want)
		}
	}
}

// TestRequestID: a sane incoming X-Request-Id is kept and returned; an
// absent or insane one is replaced by a fresh id.
func TestRequestID(t *testing.T) {
	h := server(t, nil)
	fresh := regexp.MustCompile(`^[0-9a-f]{16}$`)
	cases := []struct {
		name, in string
		keep     bool
	}{
		{"absent", "", false},
		{"uuid", "0b2bd07c-49b2-4c8e-9f0a-6e3f1c2d4a5b", true},
		{"proxy id", "req_01HX.abc:7", true},
		{"spaces", "a b", false},
		{"log forging", "x\" level=ERROR msg=forged", false},
		{"too long", strings.Repeat("a", 65), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var hdr []string
			if tc.in != "" {
				hdr = []string{"X-Request-Id", tc.in}
			}
			for _, target := range []string{"/api/v1/networks", "/api/v1/nope", "/healthz"} {
				w := get(t, h, target, hdr...)
				got := w.Header().Get("X-Request-Id")
				switch {
				case tc.keep && got != tc.in:
					t.Errorf("%s: X-Request-Id %q, want %q kept", target, got, tc.in)
				case !tc.keep && !fresh.MatchString(got):
					t.Errorf("%s: X-Request-Id %q, want a fresh id", target, got)
				}
				if w.Code == http.StatusNotFound && decodeError(t, w.Body.Bytes()).RequestID != got {
					t.Errorf("%s: the error body's request id differs from the header's", target)
				}
			}
		})
	}
}
