package dashboard

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
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

// minGzip is the size below which compressing costs more than it saves.
const minGzip = 512

func (r *response) gzipped() []byte {
	r.gzOnce.Do(func() { r.gz = gzipBytes(r.body, gzip.DefaultCompression) })
	return r.gz
}

// gzipBytes compresses b at a level of compress/gzip. Writers are pooled
// per level: a flate writer is ~1 MB of tables, too much to make per page.
func gzipBytes(b []byte, level int) []byte {
	pool, _ := gzipPools.LoadOrStore(level, &sync.Pool{New: func() any {
		zw, _ := gzip.NewWriterLevel(nil, level) // a valid level: no error
		return zw
	}})
	zw := pool.(*sync.Pool).Get().(*gzip.Writer)
	defer pool.(*sync.Pool).Put(zw)
	buf := bytes.NewBuffer(make([]byte, 0, len(b)/4))
	zw.Reset(buf)
	_, _ = zw.Write(b) // bytes.Buffer writes do not fail
	_ = zw.Close()
	return buf.Bytes()
}

var gzipPools sync.Map // level → *sync.Pool of *gzip.Writer

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
	if len(r.body) >= minGzip && acceptsGzip(c.GetHeader("Accept-Encoding")) {
		body = r.gzipped()
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.Status(http.StatusOK)
	if c.Request.Method != http.MethodHead {
		_, _ = c.Writer.Write(body)
	}
}

// acceptsGzip reads an Accept-Encoding header: gzip (or *) with a q-value
// above zero; an explicit gzip;q=0 refuses it even when * is accepted.
func acceptsGzip(header string) bool {
	gz, star := -1.0, -1.0
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "gzip", "x-gzip":
			gz = q
		case "*":
			star = q
		}
	}
	if gz >= 0 {
		return gz > 0
	}
	return star > 0
}
