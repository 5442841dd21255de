package respond_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/imscope/imscope/dashboard/internal/dashtest"
	"github.com/imscope/imscope/dashboard/respond"
)

// TestLongParametersEchoedOnce: a long parameter is named once, cut, in
// the page's error notice — not carried into every link — and the API
// quotes it cut too. A URL over maxURLBytes is refused outright.
func TestLongParametersEchoedOnce(t *testing.T) {
	srv, _ := dashtest.LiveAdmin(t)
	long := strings.Repeat("Z", 3500)
	cut := strings.Repeat("Z", respond.MaxEchoRunes) + "…"
	whole := regexp.MustCompile(`Z{` + fmt.Sprint(respond.MaxEchoRunes+1) + `,}`)
	tests := []struct {
		name, target string
		wantStatus   int
		maxBytes     int    // the most the answer may be
		plain        string // or: the same page without the parameter, which it may exceed by 1 KB
		wantEchoes   int    // of the cut value
	}{
		{"page, bad from", "/share?from=" + long, http.StatusBadRequest, 0, "/share?from=x", 1},
		{"page, bad from and a view parameter", "/share?lang=" + long + "&from=" + long, http.StatusBadRequest, 0, "/share?from=x", 1},
		{"page, unknown parameter", "/bridges?nonsense=" + long, http.StatusOK, 0, "/bridges", 0},
		{"API, bad from", "/api/v1/share?from=" + long, http.StatusBadRequest, 1 << 10, "", 1},
		{"API, unknown parameter", "/api/v1/share?" + long + "=1", http.StatusBadRequest, 1 << 10, "", 1},
		{"page, 900 KB parameter", "/share?from=" + strings.Repeat("Z", 900_000), http.StatusRequestURITooLong, 1 << 10, "", 0},
		{"API, 900 KB parameter", "/api/v1/share?from=" + strings.Repeat("Z", 900_000), http.StatusRequestURITooLong, 1 << 10, "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+tc.target, nil)
			resp, body := dashtest.Send(t, req)
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, tc.wantStatus, body)
			}
			limit := tc.maxBytes
			if tc.plain != "" {
				req, _ := http.NewRequest(http.MethodGet, srv.URL+tc.plain, nil)
				_, plain := dashtest.Send(t, req)
				limit = len(plain) + 1<<10
			}
			if len(body) > limit {
				t.Errorf("%d bytes answered, want at most %d", len(body), limit)
			}
			if whole.MatchString(body) {
				t.Error("the parameter is echoed whole")
			}
			if n := strings.Count(body, cut); n != tc.wantEchoes {
				t.Errorf("the cut parameter appears %d times, want %d", n, tc.wantEchoes)
			}
		})
	}
}
