package guard_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/imscope/imscope/dashboard/guard"
	"github.com/imscope/imscope/dashboard/internal/dashtest"
)

// TestLocalAdmin: a request whose connection the server marked as its Unix
// socket's acts as the admin without credentials or a form token; the same
// request without the mark is refused, and credentials sent on a TCP
// connection cannot claim the mark.
func TestLocalAdmin(t *testing.T) {
	h, r := dashtest.AdminServer(t, true)
	post := func(local bool, header ...string) int {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/collectors/prosody/run", nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		if local {
			req = req.WithContext(guard.LocalAdmin(req.Context()))
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Code
	}
	if code := post(false); code != http.StatusUnauthorized || r.Count() != 0 {
		t.Fatalf("no credentials over TCP: %d, %d runs", code, r.Count())
	}
	if code := post(false, "X-Imscope-Local", "1"); code != http.StatusUnauthorized || r.Count() != 0 {
		t.Fatalf("a header claiming to be local: %d, %d runs", code, r.Count())
	}
	if code := post(true); code != http.StatusOK || r.Count() != 1 {
		t.Fatalf("over the socket: %d, %d runs", code, r.Count())
	}
	if code := post(true, "Sec-Fetch-Site", "cross-site"); code != http.StatusForbidden || r.Count() != 1 {
		t.Fatalf("a cross-site request on the socket: %d, %d runs", code, r.Count())
	}
}
