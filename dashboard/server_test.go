package dashboard_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/imscope/imscope/dashboard/internal/dashtest"
	"github.com/imscope/imscope/dashboard/respond"
)

func TestMain(m *testing.M) { dashtest.Main(m) }

// TestUnknownRoutes: unknown routes under /api/v1 are JSON 404s, wrong
// methods JSON 405s; elsewhere plain text.
func TestUnknownRoutes(t *testing.T) {
	h := dashtest.Server(t, nil)
	for _, target := range []string{"/api/v1/nope", "/api/v1/share/extra", "/api/v1", "/api/v1/push/nobody/x"} {
		w := dashtest.Get(t, h, target)
		if w.Code != http.StatusNotFound || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
			t.Errorf("%s: %d %s", target, w.Code, w.Header().Get("Content-Type"))
			continue
		}
		if e := dashtest.DecodeError(t, w.Body.Bytes()); e.Code != respond.CodeNotFound {
			t.Errorf("%s: code %q", target, e.Code)
		}
	}
	w := dashtest.Do(t, h, http.MethodPost, "/api/v1/share")
	if w.Code != http.StatusMethodNotAllowed || dashtest.DecodeError(t, w.Body.Bytes()).Code != respond.CodeMethodNotAllowed {
		t.Errorf("POST /api/v1/share: %d %s", w.Code, w.Body)
	}
	if w := dashtest.Get(t, h, "/nope"); w.Code != http.StatusNotFound || strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		t.Errorf("/nope: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
}
