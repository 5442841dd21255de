package api

import (
	"compress/gzip"
	"net/http"
	"strconv"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope/dashboard/respond"
)

// response is a rendered answer as the cache keeps it: the body once, and
// its gzip form made the first time a client asks for it, so a cached
// answer is compressed once, not per request.
type response struct {
	body        []byte
	contentType string
	filename    string // for CSV downloads; "" for JSON

	gzOnce sync.Once
	gz     []byte
}

func (r *response) gzipped() []byte {
	r.gzOnce.Do(func() { r.gz = respond.Gzip(r.body, gzip.DefaultCompression) })
	return r.gz
}

// write sends r, compressed when the client accepts gzip. Vary tells
// shared caches that the encoding depends on Accept-Encoding.
func (r *response) write(c *gin.Context, cache string) {
	h := c.Writer.Header()
	h.Set("Content-Type", r.contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Vary", "Accept-Encoding")
	h.Set("Cache-Control", "no-cache") // browsers revalidate; the server cache keeps answers cheap
	if cache != "" {
		h.Set("X-Cache", cache)
	}
	if r.filename != "" {
		h.Set("Content-Disposition", `attachment; filename="`+r.filename+`"`)
	}
	body := r.body
	if len(r.body) >= respond.MinGzip && respond.AcceptsGzip(c.GetHeader("Accept-Encoding")) {
		body = r.gzipped()
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.Status(http.StatusOK)
	if c.Request.Method != http.MethodHead {
		_, _ = c.Writer.Write(body)
	}
}
