package respond_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/imscope/imscope/dashboard/internal/dashtest"
)

func TestMain(m *testing.M) { dashtest.Main(m) }

// TestRequestID: a sane incoming X-Request-Id is kept and returned; an
// absent or insane one is replaced by a fresh id.
func TestRequestID(t *testing.T) {
	h := dashtest.Server(t, nil)
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
				w := dashtest.Get(t, h, target, hdr...)
				got := w.Header().Get("X-Request-Id")
				switch {
				case tc.keep && got != tc.in:
					t.Errorf("%s: X-Request-Id %q, want %q kept", target, got, tc.in)
				case !tc.keep && !fresh.MatchString(got):
					t.Errorf("%s: X-Request-Id %q, want a fresh id", target, got)
				}
				if w.Code == http.StatusNotFound && dashtest.DecodeError(t, w.Body.Bytes()).RequestID != got {
					t.Errorf("%s: the error body's request id differs from the header's", target)
				}
			}
		})
	}
}
