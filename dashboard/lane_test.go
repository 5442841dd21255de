package dashboard

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope/queries"
)

// TestReadsAreInteractive: what a GET or HEAD asks the engine goes in the
// readers' lane; what a POST starts waits for them like any load.
func TestReadsAreInteractive(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	for _, tc := range []struct {
		method string
		want   bool
	}{
		{http.MethodGet, true},
		{http.MethodHead, true},
		{http.MethodPost, false},
	} {
		t.Run(tc.method, func(t *testing.T) {
			r := gin.New()
			var got bool
			r.Use(interactive)
			r.Handle(tc.method, "/", func(c *gin.Context) { got = queries.IsInteractive(c.Request.Context()) })
			r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(tc.method, "/", nil))
			if got != tc.want {
				t.Fatalf("%s: interactive %v, want %v", tc.method, got, tc.want)
			}
		})
	}
}
