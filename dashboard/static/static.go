package static

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

	"github.com/imscope/imscope/dashboard/respond"
)

// The assets are this folder, embedded whole: "*" and not a list, so that
// vendor/ — which `make deps` fills and git ignores — is embedded when it
// is there and the build still works when it is not (the pages then say
// the charts cannot be drawn). The package's own Go files are in the
// folder too; they are not assets and are never served.
//
//go:embed *
var assetFS embed.FS

// ECharts is ECharts 5.4.3, the version go-echarts v2.7.3 targets.
const ECharts = "vendor/echarts.min.js"

// Files serves the embedded assets with a content hash in their URLs
// (?v=…), so they can be cached for a year and still change with a new
// binary; each is compressed once, when the assets are read.
type Files struct {
	files map[string]*file
}

type file struct {
	body        []byte
	contentType string
	hash        string // first 12 hex digits of the SHA-256
	gz          []byte
}

// Load reads and compresses the assets once per process, however many
// servers and report renderers it builds.
var Load = sync.OnceValues(read)

func read() (*Files, error) {
	s := &Files{files: map[string]*file{}}
	err := fs.WalkDir(assetFS, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || path.Ext(p) == ".go" {
			return err
		}
		b, err := assetFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		f := &file{body: b, contentType: mime.TypeByExtension(path.Ext(p)), hash: hex.EncodeToString(sum[:6])}
		if f.contentType == "" {
			f.contentType = "application/octet-stream"
		}
		if len(b) >= respond.MinGzip {
			f.gz = respond.Gzip(b, gzip.BestCompression)
		}
		s.files[p] = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cannot read the embedded static files: %w", err)
	}
	return s, nil
}

// Has reports whether the asset name is embedded.
func (s *Files) Has(name string) bool { return s.files[name] != nil }

// URL is the versioned URL of an asset.
func (s *Files) URL(name string) string {
	if f := s.files[name]; f != nil {
		return "/static/" + name + "?v=" + f.hash
	}
	return "/static/" + name
}

// Body is an asset's content, for reports that inline it.
func (s *Files) Body(name string) []byte {
	if f := s.files[name]; f != nil {
		return f.body
	}
	return nil
}

// Serve answers /static/*file.
func (s *Files) Serve(c *gin.Context) {
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
	if f.gz != nil && respond.AcceptsGzip(c.GetHeader("Accept-Encoding")) {
		body = f.gz
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.Status(http.StatusOK)
	if c.Request.Method != http.MethodHead {
		_, _ = c.Writer.Write(body)
	}
}
