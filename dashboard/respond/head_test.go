package respond_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope/dashboard"
	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/internal/dashtest"
)

// TestRunNowOutlivesWriteTimeout: the server's write timeout is sized for
// pages and API answers; an admin's "run now", which answers when the run
// has finished, stretches it for itself.
func TestRunNowOutlivesWriteTimeout(t *testing.T) {
	h, _ := dashtest.AdminServer(t, false, func(o *dashboard.Options) {
		o.RunCollector = func(ctx context.Context, name string) (api.CollectorRun, error) {
			time.Sleep(1500 * time.Millisecond)
			return api.CollectorRun{Status: "ok", Rows: 1}, nil
		}
	})
	srv := httptest.NewUnstartedServer(h)
	srv.Config.WriteTimeout = 500 * time.Millisecond
	srv.Start()
	t.Cleanup(srv.Close)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/collectors/prosody/run", nil)
	req.Header.Set("Authorization", "Bearer "+dashtest.TestToken)
	resp, body := dashtest.Send(t, req)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"status":"ok"`) {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
}
