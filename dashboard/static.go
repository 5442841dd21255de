package dashboard

import (
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
)

// The pages' static assets are embedded in the binary: imscope's own CSS
// and script, and ECharts, which `make deps` copies from the pinned npm
// package into static/vendor/ (git-ignored). Nothing is loaded from
// another host.
//
//go:embed static
var staticFS embed.FS

// echartsFile is ECharts 5.4.3, the version go-echarts v2.7.3 targets.
const echartsFile = "vendor/echarts.min.js"

// staticFiles serves the embedded assets with a content hash in their
// URLs (?v=…), so they can be cached for a year and still change with a
// new binary; each is compressed once, on first request.
type staticFiles struct {
	files map[string]*staticFile
}

type staticFile struct {
	body        []byte
	contentType string
	hash        string // first 12 hex digits of the SHA-256
	gz          []byte
}

// loadStatic reads and compresses the assets once per process, however
// many dashboards it builds.
var loadStatic = sync.OnceValues(readStatic)

func readStatic() (*staticFiles, error) {
	s := &staticFiles{files: map[string]*staticFile{}}
	err := fs.WalkDir(staticFS, "static", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		f := &staticFile{body: b, contentType: mime.TypeByExtension(path.Ext(p)), hash: hex.EncodeToString(sum[:6])}
		if f.contentType == "" {
			f.contentType = "application/octet-stream"
		}
		if len(b) >= minGzip {
			f.gz = gzipBytes(b, gzip.BestCompression)
		}
		s.files[strings.TrimPrefix(p, "static/")] = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cannot read the embedded static files: %w", err)
	}
	return s, nil
}

func (s *staticFiles) has(name string) bool { return s.files[name] != nil }

// url is the versioned URL of an asset.
func (s *staticFiles) url(name string) string {
	if f := s.files[name]; f != nil {
		return "/static/" + name + "?v=" + f.hash
	}
	return "/static/" + name
}

// body is an asset's content, for reports that inline it.
func (s *staticFiles) body(name string) []byte {
	if f := s.files[name]; f != nil {
		return f.body
	}
	return nil
}

func (s *staticFiles) serve(c *gin.Context) {
	f := s.files[strings.TrimPrefix(c.Param("file"), "/")]
	if f == nil {
		c.String(http.StatusNotFound, "404 page not found\n")
		return
	}
	h := c.Writer.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("ETag", `"`+f.hash+`"`)
	h.Set("Vary", "Accept-Encoding")
	if c.Query("v") == f.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if c.GetHeader("If-None-Match") == `"`+f.hash+`"` {
		c.Status(http.StatusNotModified)
		return
	}
	body := f.body
	if f.gz != nil && acceptsGzip(c.GetHeader("Accept-Encoding")) {
		body = f.gz
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.Status(http.StatusOK)
	if c.Request.Method != http.MethodHead {
		_, _ = c.Writer.Write(body)
	}
}
