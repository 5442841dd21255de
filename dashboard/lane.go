package dashboard

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope/queries"
)

// interactive marks what a reading request asks the engine as a person
// waiting (queries.Interactive), so the embedded engine runs it before the
// background work queued — a load, an import, a panel rebuild — instead of
// behind all of it. Only GET (and HEAD, served as GET) is marked: a POST
// starts work (an import, a run, a push's rows) that should wait for the
// readers like any other load.
func interactive(c *gin.Context) {
	if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
		c.Request = c.Request.WithContext(queries.Interactive(c.Request.Context()))
	}
	c.Next()
}
